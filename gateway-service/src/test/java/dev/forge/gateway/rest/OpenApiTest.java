package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.api.openapi.DocumentedRoutes;
import dev.forge.api.openapi.Endpoints;
import dev.forge.api.openapi.ForgeOpenApiFilter;
import dev.forge.api.openapi.RouteDoc;
import dev.forge.core.auth.Role;
import dev.forge.core.json.JsonValues;
import dev.forge.gateway.TestAuth;
import io.quarkus.arc.All;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

/**
 * The document at /q/openapi is generated from the code; this checks it against what the server really serves: every
 * JAX-RS endpoint of its resource beans and every Vert.x route on its router (SSE, artifact bytes) is documented,
 * nothing else is, each with the roles the code admits, its key and its errors as problem+json. The Vert.x routes'
 * roles are also checked by calling them with a key of every role.
 */
@QuarkusTest
class OpenApiTest {

    private static final List<String> ROLES = List.of("admin", "operator", "developer", "viewer");

    @Inject
    Router router;

    @Inject
    @All
    List<DocumentedRoutes> documentedRoutes;

    /** "get /v1/runs/{id}/stream" for every method of every Vert.x route with a path outside /q. */
    private Set<String> vertxRoutes() {
        var out = new TreeSet<String>();
        for (Route route : router.getRoutes()) {
            String path = route.getPath();
            if (path == null || path.startsWith("/q/") || route.methods() == null) {
                continue;
            }
            String template = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            route.methods().forEach(m -> out.add(m.name().toLowerCase() + " " + template));
        }
        return out;
    }

    private static JsonNode spec() throws Exception {
        return JsonValues.MAPPER.readTree(given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString());
    }

    private static Map<String, JsonNode> operations(JsonNode spec) {
        var out = new TreeMap<String, JsonNode>();
        spec.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (!op.getKey().equals("parameters")) {
                out.put(op.getKey() + " " + path.getKey(), op.getValue());
            }
        }));
        return out;
    }

    @Test
    void everyServedRouteIsDocumentedWithTheRolesTheCodeAdmits() throws Exception {
        var documented = operations(spec());
        var served = new HashMap<String, Set<String>>();
        Endpoints.served().values().forEach(e -> served.put(e.key(), new TreeSet<>(Role.wireNames(e.roles()))));
        var routes = vertxRoutes();
        assertThat(routes).as("the gateway's own Vert.x routes").isNotEmpty();
        var declared = new HashMap<String, RouteDoc>();
        documentedRoutes.forEach(d -> d.documentedRoutes().forEach(r -> declared.put(r.key(), r)));
        for (String route : routes) {
            RouteDoc doc = declared.get(route);
            served.put(route, doc == null ? Set.of("(route without a RouteDoc)")
                    : new TreeSet<>(Role.wireNames(doc.roles())));
        }
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(served.keySet());

        var problems = new ArrayList<String>();
        served.forEach((key, roles) -> {
            JsonNode op = documented.get(key);
            var documentedRoles = new TreeSet<String>();
            op.path(ForgeOpenApiFilter.ROLES).forEach(r -> documentedRoles.add(r.asText()));
            if (!documentedRoles.equals(roles)) {
                problems.add(key + " documents roles " + documentedRoles + " but admits " + roles);
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyOperationNeedsAKeyAndAnswersErrorsAsProblems() throws Exception {
        JsonNode spec = spec();
        var problems = new ArrayList<String>();
        operations(spec).forEach((key, op) -> {
            if (!op.hasNonNull("operationId") || !op.hasNonNull("summary")) {
                problems.add(key + " has no operationId or summary");
            }
            if (!op.path("security").toString().contains("apiKey")) {
                problems.add(key + " does not name the API key");
            }
            for (String status : List.of("401", "403")) {
                if (!op.path("responses").has(status)) {
                    problems.add(key + " does not document " + status);
                }
            }
            if (key.contains("{") && !op.path("responses").has("404")) {
                problems.add(key + " does not document 404");
            }
            op.path("responses").fields().forEachRemaining(r -> {
                JsonNode response = r.getValue().has("$ref")
                        ? spec.at(r.getValue().get("$ref").asText().substring(1)) : r.getValue();
                if (r.getKey().startsWith("4") && !response.path("content").has("application/problem+json")) {
                    problems.add(key + " " + r.getKey() + " is not problem+json");
                }
                if (r.getKey().startsWith("2") && !key.startsWith("delete") && !r.getKey().equals("204")
                        && response.path("content").isEmpty()) {
                    problems.add(key + " " + r.getKey() + " has no content");
                }
            });
        });
        assertThat(problems).isEmpty();
        assertThat(spec.at("/components/schemas").fieldNames()).toIterable().contains("Run", "RunCreate",
                "Assistant", "Session", "Problem", "Checkpoint", "ForkRequest", "ApiKeyCreated", "McpServer",
                "MemoryPut");
        assertThat(spec.at("/components/schemas/Run/properties").has("step_index")).as("snake_case names").isTrue();
        assertThat(spec.at("/components/schemas/AssistantCreate/required").toString()).contains("name", "flow");
    }

    /** The document's roles for the Vert.x routes are the roles their handlers enforce. */
    @Test
    void theVertxRoutesAdmitExactlyTheDocumentedRoles() {
        var keys = new HashMap<String, String>();
        ROLES.forEach(role -> keys.put(role, TestAuth.key(role, "openapi")));
        var failures = new ArrayList<String>();
        documentedRoutes.forEach(d -> d.documentedRoutes().forEach(route -> {
            String path = route.path().replace("{id}", "00000000-0000-4000-8000-0000000000aa");
            for (String role : ROLES) {
                var request = given().spec(TestAuth.as(keys.get(role)));
                if (route.requestMedia() != null) {
                    request = request.contentType(route.requestMedia().startsWith("application/json")
                            ? ContentType.JSON.toString() : route.requestMedia()).body("{}".getBytes());
                }
                int status = request.queryParam("name", "x.txt").request(route.method(), path).then().extract()
                        .statusCode();
                boolean admitted = route.roles().contains(Role.fromWire(role).orElseThrow());
                if (admitted ? (status == 401 || status == 403) : status != 403) {
                    failures.add(route.key() + " as " + role + ": " + status);
                }
            }
        }));
        assertThat(failures).isEmpty();
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("Forge API"));
    }
}
