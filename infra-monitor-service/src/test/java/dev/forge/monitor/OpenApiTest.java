package dev.forge.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.api.openapi.Endpoints;
import dev.forge.api.openapi.ForgeOpenApiFilter;
import dev.forge.core.auth.Role;
import dev.forge.core.json.JsonValues;
import dev.forge.discovery.testing.ConsulStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

/**
 * infra-monitor-service publishes a document generated from its resources at /q/openapi: every endpoint it serves
 * is there, nothing else, each with the roles its {@code @Allow} admits, the key and problem+json errors.
 */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
class OpenApiTest {

    @Inject
    Router router;

    @Test
    void theDocumentListsEveryServedEndpointWithItsRolesAndErrors() throws Exception {
        JsonNode spec = JsonValues.MAPPER.readTree(given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString());
        var documented = new TreeMap<String, JsonNode>();
        spec.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(
                op -> documented.put(op.getKey() + " " + path.getKey(), op.getValue())));
        var served = new HashMap<String, Set<String>>();
        Endpoints.served().values().forEach(e -> served.put(e.key(), new TreeSet<>(Role.wireNames(e.roles()))));
        for (Route route : router.getRoutes()) {
            // the monitor serves everything through JAX-RS; a Vert.x route of its own would have to be documented
            if (route.getPath() != null && route.getPath().startsWith("/v1") && route.methods() != null) {
                route.methods().forEach(m -> served.putIfAbsent(m.name().toLowerCase() + " "
                        + route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}"), Set.of()));
            }
        }
        assertThat(served).hasSizeGreaterThan(30);
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(served.keySet());

        var problems = new ArrayList<String>();
        served.forEach((key, roles) -> {
            JsonNode op = documented.get(key);
            var documentedRoles = new TreeSet<String>();
            op.path(ForgeOpenApiFilter.ROLES).forEach(r -> documentedRoles.add(r.asText()));
            if (!documentedRoles.equals(roles)) {
                problems.add(key + " documents roles " + documentedRoles + " but admits " + roles);
            }
            if (!op.hasNonNull("operationId") || !op.hasNonNull("summary")) {
                problems.add(key + " has no operationId or summary");
            }
            for (String status : new String[] { "401", "403" }) {
                JsonNode response = op.path("responses").path(status);
                if (response.has("$ref")) {
                    response = spec.at(response.get("$ref").asText().substring(1));
                }
                if (!response.path("content").has("application/problem+json")) {
                    problems.add(key + " does not document " + status + " as problem+json");
                }
            }
        });
        assertThat(problems).isEmpty();
    }
}
