package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.api.security.Allow;
import dev.forge.core.auth.Role;
import dev.forge.core.json.JsonValues;
import io.quarkus.test.junit.QuarkusTest;

/** The served API description matches the code: every endpoint, its roles, and its errors as problem+json. */
@QuarkusTest
class OpenApiTest {

    private static final List<Class<?>> RESOURCES = List.of(AssistantResource.class, SessionResource.class,
            RunResource.class, FlowResource.class, ApiKeyResource.class, ArtifactResource.class);
    private static final Set<String> ALL = Set.of("admin", "operator", "developer", "viewer");
    private static final Set<String> RUN = Set.of("admin", "operator", "developer");
    /** The SSE and artifact byte endpoints are Vert.x routes (RunStreamRoutes, ArtifactRoutes), not JAX-RS methods. */
    static final Map<String, Set<String>> ROUTES = Map.of(
            "get /v1/runs/{id}/stream", ALL,
            "post /v1/runs/stream", RUN,
            "post /v1/artifacts", RUN,
            "get /v1/artifacts/{id}/content", ALL);

    static Map<String, Set<String>> endpointsInCode() {
        var out = new HashMap<String, Set<String>>(ROUTES);
        for (Class<?> resource : RESOURCES) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method m : resource.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "get" : m.isAnnotationPresent(POST.class) ? "post"
                        : m.isAnnotationPresent(PATCH.class) ? "patch" : m.isAnnotationPresent(DELETE.class) ? "delete"
                                : m.isAnnotationPresent(PUT.class) ? "put" : null;
                if (verb == null) {
                    continue;
                }
                String path = base + (m.isAnnotationPresent(Path.class) ? m.getAnnotation(Path.class).value() : "");
                Allow allow = m.isAnnotationPresent(Allow.class) ? m.getAnnotation(Allow.class)
                        : resource.getAnnotation(Allow.class);
                out.put(verb + " " + path, Arrays.stream(allow.value()).map(Role::wireName)
                        .collect(Collectors.toSet()));
            }
        }
        return out;
    }

    @Test
    void everyEndpointIsDocumentedWithItsRolesAndErrors() throws Exception {
        JsonNode spec = JsonValues.MAPPER.readTree(given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString());
        var documented = new TreeSet<String>();
        spec.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (!op.getKey().equals("parameters")) {
                documented.add(op.getKey() + " " + path.getKey());
            }
        }));
        var inCode = endpointsInCode();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(inCode.keySet());

        var problems = new ArrayList<String>();
        for (var entry : inCode.entrySet()) {
            String[] parts = entry.getKey().split(" ", 2);
            JsonNode op = spec.get("paths").get(parts[1]).get(parts[0]);
            var roles = new TreeSet<String>();
            op.path("x-forge-roles").forEach(r -> roles.add(r.asText()));
            if (!roles.equals(new TreeSet<>(entry.getValue()))) {
                problems.add(entry.getKey() + " documents roles " + roles + " but admits " + entry.getValue());
            }
            for (String status : List.of("401", "403")) {
                if (!op.get("responses").has(status)) {
                    problems.add(entry.getKey() + " does not document " + status);
                }
            }
            op.get("responses").fields().forEachRemaining(r -> {
                JsonNode response = r.getValue().has("$ref")
                        ? spec.at(r.getValue().get("$ref").asText().substring(1)) : r.getValue();
                if (r.getKey().startsWith("4") && !response.path("content").has("application/problem+json")) {
                    problems.add(entry.getKey() + " " + r.getKey() + " is not problem+json");
                }
            });
        }
        assertThat(problems).isEmpty();
        assertThat(spec.at("/components/schemas").fieldNames()).toIterable()
                .contains("Run", "Assistant", "Session", "Problem", "Checkpoint", "ForkRequest", "ApiKeyCreated");
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("Forge API"));
    }
}
