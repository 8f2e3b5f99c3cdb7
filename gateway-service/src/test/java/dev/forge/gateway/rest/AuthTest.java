package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.api.openapi.Endpoints;
import dev.forge.core.auth.Role;
import dev.forge.gateway.SseClient;
import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** Authentication, the role × endpoint matrix, API key administration and workspace isolation. */
@QuarkusTest
class AuthTest {

    private static final List<String> ROLES = List.of("admin", "operator", "developer", "viewer");
    private static final Set<String> ALL = Set.copyOf(ROLES);
    private static final Set<String> BUILD = Set.of("admin", "developer");
    private static final Set<String> RUN = Set.of("admin", "operator", "developer");
    private static final Set<String> ADMIN = Set.of("admin");
    private static final Set<String> OPERATE = Set.of("admin", "operator");

    private static Map<String, String> keys;
    private static String assistant;
    private static String session;
    private static String run;

    /** One endpoint: how to call it and which roles it admits. */
    record Endpoint(String method, String path, String body, Set<String> admitted) {
    }

    @BeforeEach
    void setUp() {
        RestAssured.requestSpecification = null;
        if (keys != null) {
            return;
        }
        keys = new HashMap<>();
        for (String role : ROLES) {
            keys.put(role, TestAuth.key(role, "default"));
        }
        // the matrix checks roles; the admin's is a platform admin's key, which every admin endpoint admits (a
        // workspace's own admin being refused platform work is LimitTest's)
        keys.put("admin", TestAuth.platformAdminKey("default"));
        assistant = given().spec(TestAuth.as(TestAuth.ADMIN_KEY)).contentType(ContentType.JSON)
                .body("{\"name\": \"auth\", \"flow\": \"support-triage\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        run = given().spec(TestAuth.as(TestAuth.ADMIN_KEY)).contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\"}").post("/v1/runs").then().statusCode(202)
                .extract().path("id");
        session = given().spec(TestAuth.as(TestAuth.ADMIN_KEY)).get("/v1/runs/" + run).then().extract()
                .path("session_id");
    }

    private static List<Endpoint> endpoints() {
        String newAssistant = "{\"name\": \"m\", \"flow\": \"support-triage\"}";
        String newSession = "{\"assistant_id\": \"" + assistant + "\"}";
        String newRun = "{\"assistant_id\": \"" + assistant + "\"}";
        return List.of(
                new Endpoint("POST", "/v1/assistants", newAssistant, BUILD),
                new Endpoint("GET", "/v1/assistants", null, ALL),
                new Endpoint("GET", "/v1/assistants/" + assistant, null, ALL),
                new Endpoint("PATCH", "/v1/assistants/" + assistant, "{\"description\": \"d\"}", BUILD),
                new Endpoint("GET", "/v1/assistants/" + assistant + "/versions", null, ALL),
                new Endpoint("DELETE", "/v1/assistants/00000000-0000-4000-8000-00000000000a", null, BUILD),
                new Endpoint("DELETE", "/v1/sessions/00000000-0000-4000-8000-00000000000b", null, RUN),
                new Endpoint("GET", "/v1/sessions/" + session + "/messages", null, ALL),
                new Endpoint("DELETE", "/v1/runs/00000000-0000-4000-8000-00000000000c", null, RUN),
                new Endpoint("POST", "/v1/sessions", newSession, RUN),
                new Endpoint("GET", "/v1/sessions", null, ALL),
                new Endpoint("GET", "/v1/sessions/" + session, null, ALL),
                new Endpoint("POST", "/v1/sessions/" + session + "/runs", "{}", RUN),
                new Endpoint("GET", "/v1/sessions/" + session + "/runs", null, ALL),
                new Endpoint("POST", "/v1/runs", newRun, RUN),
                new Endpoint("GET", "/v1/runs", null, ALL),
                new Endpoint("GET", "/v1/runs/" + run, null, ALL),
                new Endpoint("GET", "/v1/runs/" + run + "/checkpoints", null, ALL),
                new Endpoint("GET", "/v1/runs/" + run + "/messages", null, ALL),
                new Endpoint("GET", "/v1/runs/" + run + "/graph", null, ALL),
                new Endpoint("GET", "/v1/runs/" + run + "/graph?format=mermaid", null, ALL),
                new Endpoint("GET", "/v1/runs/" + run + "/checkpoints/0", null, ALL),
                new Endpoint("POST", "/v1/runs/" + run + "/fork", "{\"step\": 0}", RUN),
                new Endpoint("POST", "/v1/runs/" + run + "/replay", "{\"step\": 0}", RUN),
                new Endpoint("POST", "/v1/runs/wait?timeout=1", newRun, RUN),
                new Endpoint("POST", "/v1/runs/" + run + "/cancel", null, RUN),
                // allowed roles reach the check (409: the run is not waiting); others are refused before it
                new Endpoint("POST", "/v1/runs/" + run + "/resume", "{\"value\": 1}", RUN),
                new Endpoint("POST", "/v1/runs/" + run + "/reject", "{}", RUN),
                new Endpoint("GET", "/v1/flows", null, ALL),
                new Endpoint("GET", "/v1/flows/support-triage", null, ALL),
                new Endpoint("POST", "/v1/flows", "{}", BUILD),
                new Endpoint("POST", "/v1/schedules", "{}", BUILD),
                new Endpoint("GET", "/v1/schedules", null, ALL),
                new Endpoint("GET", "/v1/schedules/00000000-0000-4000-8000-0000000000d1", null, ALL),
                new Endpoint("PATCH", "/v1/schedules/00000000-0000-4000-8000-0000000000d1", "{}", BUILD),
                new Endpoint("POST", "/v1/schedules/00000000-0000-4000-8000-0000000000d1/pause", null, RUN),
                new Endpoint("POST", "/v1/schedules/00000000-0000-4000-8000-0000000000d1/resume", null, RUN),
                new Endpoint("DELETE", "/v1/schedules/00000000-0000-4000-8000-0000000000d1", null, BUILD),
                new Endpoint("POST", "/v1/webhooks", "{}", BUILD),
                new Endpoint("GET", "/v1/webhooks", null, ALL),
                new Endpoint("GET", "/v1/webhooks/00000000-0000-4000-8000-0000000000e1", null, ALL),
                new Endpoint("PATCH", "/v1/webhooks/00000000-0000-4000-8000-0000000000e1", "{}", BUILD),
                new Endpoint("POST", "/v1/webhooks/00000000-0000-4000-8000-0000000000e1/rotate-secret", null, BUILD),
                new Endpoint("DELETE", "/v1/webhooks/00000000-0000-4000-8000-0000000000e1", null, BUILD),
                new Endpoint("GET", "/v1/webhooks/00000000-0000-4000-8000-0000000000e1/deliveries", null, ALL),
                new Endpoint("GET", "/v1/webhook-deliveries", null, ALL),
                new Endpoint("GET", "/v1/webhook-deliveries/00000000-0000-4000-8000-0000000000e2", null, ALL),
                new Endpoint("POST", "/v1/webhook-deliveries/00000000-0000-4000-8000-0000000000e2/redeliver", null,
                        RUN),
                new Endpoint("GET", "/v1/limits", null, ALL),
                new Endpoint("GET", "/v1/limits/usage", null, ALL),
                // a workspace's admin does not set limits (its own included): a platform admin does
                new Endpoint("PUT", "/v1/limits/workspaces/auth-matrix", "{\"max_concurrent\": 5}", ADMIN),
                new Endpoint("DELETE", "/v1/limits/workspaces/auth-matrix", null, ADMIN),
                new Endpoint("PUT", "/v1/limits/assistants/00000000-0000-4000-8000-0000000000e3",
                        "{\"max_concurrent\": 5}", ADMIN),
                new Endpoint("DELETE", "/v1/limits/assistants/00000000-0000-4000-8000-0000000000e3", null, ADMIN),
                new Endpoint("POST", "/v1/flows/validate", "{}", ALL),
                new Endpoint("PUT", "/v1/flows/support-triage", "{}", BUILD),
                new Endpoint("DELETE", "/v1/flows/support-triage", null, BUILD),
                new Endpoint("GET", "/v1/flows/support-triage/versions", null, ALL),
                new Endpoint("GET", "/v1/flows/support-triage/versions/v0/source", null, ALL),
                new Endpoint("GET", "/v1/artifacts", null, ALL),
                new Endpoint("GET", "/v1/artifacts/00000000-0000-4000-8000-00000000000e", null, ALL),
                new Endpoint("DELETE", "/v1/artifacts/00000000-0000-4000-8000-00000000000f", null, RUN),
                new Endpoint("GET", "/v1/api-keys", null, ADMIN),
                new Endpoint("POST", "/v1/api-keys", "{\"name\": \"k\", \"role\": \"viewer\"}", ADMIN),
                new Endpoint("DELETE", "/v1/api-keys/00000000-0000-4000-8000-000000000000", null, ADMIN),
                // admitted callers get 404 or 422 from these: the matrix checks who passes, not what is made
                new Endpoint("POST", "/v1/mcp/servers", "{}", ADMIN),
                new Endpoint("GET", "/v1/mcp/servers", null, OPERATE),
                new Endpoint("GET", "/v1/mcp/servers/00000000-0000-4000-8000-000000000010", null, OPERATE),
                new Endpoint("PATCH", "/v1/mcp/servers/00000000-0000-4000-8000-000000000011", "{}", ADMIN),
                new Endpoint("DELETE", "/v1/mcp/servers/00000000-0000-4000-8000-000000000012", null, ADMIN),
                new Endpoint("POST", "/v1/mcp/servers/00000000-0000-4000-8000-000000000013/test", null, OPERATE),
                new Endpoint("GET", "/v1/mcp/servers/00000000-0000-4000-8000-000000000014/tools", null, OPERATE),
                new Endpoint("POST", "/v1/memories", "{}", BUILD),
                new Endpoint("GET", "/v1/memories", null, ALL),
                new Endpoint("GET", "/v1/memories/00000000-0000-4000-8000-000000000015", null, ALL),
                new Endpoint("DELETE", "/v1/memories/00000000-0000-4000-8000-000000000016", null, BUILD),
                new Endpoint("POST", "/v1/memories/search", "{}", ALL),
                new Endpoint("GET", "/v1/monitor/deployments", null, OPERATE),
                new Endpoint("GET", "/v1/monitor/capacity", null, OPERATE),
                new Endpoint("GET", "/v1/monitor/debug", null, OPERATE),
                new Endpoint("GET", "/v1/executors", null, OPERATE));
    }

    private static int call(Endpoint e, String key) {
        var spec = given();
        if (key != null) {
            spec = spec.header("Authorization", key);
        }
        if (e.body() != null) {
            spec = spec.contentType(ContentType.JSON).body(e.body());
        }
        return spec.request(e.method(), e.path()).then().extract().statusCode();
    }

    /** The endpoint template a matrix entry exercises, e.g. "get /v1/runs/{id}". */
    private static String template(Endpoint e) {
        String path = e.path().replaceFirst("\\?.*$", "")
                .replace(run, "{id}").replace(session, "{id}").replace(assistant, "{id}")
                .replaceAll("00000000-0000-4000-8000-0000000000[0-9a-f]{2}", "{id}")
                .replace("/checkpoints/0", "/checkpoints/{step}")
                .replace("/limits/workspaces/auth-matrix", "/limits/workspaces/{workspace}").replace("/flows/support-triage", "/flows/{name}")
                .replace("/versions/v0/", "/versions/{version}/");
        return e.method().toLowerCase() + " " + path;
    }

    @Test
    void theMatrixCoversEveryEndpointAndMatchesTheAnnotations() {
        var covered = new HashMap<String, Set<String>>();
        endpoints().forEach(e -> covered.put(template(e), e.admitted()));
        var inCode = new HashMap<String, Set<String>>();
        Endpoints.served().values().forEach(e -> inCode.put(e.key(), Set.copyOf(Role.wireNames(e.roles()))));
        assertThat(covered.keySet()).containsExactlyInAnyOrderElementsOf(inCode.keySet());
        inCode.forEach((endpoint, roles) -> assertThat(covered.get(endpoint)).as(endpoint).isEqualTo(roles));
    }

    @Test
    void everyEndpointForEveryRole() {
        var failures = new ArrayList<String>();
        for (var e : endpoints()) {
            int anonymous = call(e, null);
            int forged = call(e, "Bearer fk_00000000_0000000000000000000000000000000000000000");
            if (anonymous != 401 || forged != 401) {
                failures.add(e.method() + " " + e.path() + " without/with a bad key: " + anonymous + "/" + forged);
            }
            for (String role : ROLES) {
                int status = call(e, "Bearer " + keys.get(role));
                boolean admitted = e.admitted().contains(role);
                if (admitted ? (status == 401 || status == 403) : status != 403) {
                    failures.add(e.method() + " " + e.path() + " as " + role + ": " + status + " (expected "
                            + (admitted ? "admitted" : "403") + ")");
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void streamsCheckKeysAndRolesBeforeStreaming() throws Exception {
        var metadataOnly = (Predicate<SseClient.Event>) e -> true;
        for (String role : ROLES) {
            var stream = SseClient.get("/v1/runs/" + run + "/stream", keys.get(role), null,
                    metadataOnly);
            assertThat(stream.status()).as(role).isEqualTo(200);
            assertThat(stream.names()).containsExactly("metadata");
            var created = SseClient.post("/v1/runs/stream", keys.get(role),
                    "{\"assistant_id\": \"" + assistant + "\"}", metadataOnly);
            assertThat(created.status()).as(role).isEqualTo(RUN.contains(role) ? 200 : 403);
        }
        assertThat(SseClient.get("/v1/runs/" + run + "/stream", "fk_bad", null, metadataOnly)
                .status()).isEqualTo(401);
        var otherWorkspace = SseClient.get("/v1/runs/" + run + "/stream",
                TestAuth.key("viewer", "elsewhere"), null, metadataOnly);
        assertThat(otherWorkspace.status()).isEqualTo(404);
        assertThat(otherWorkspace.response().headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(otherWorkspace.errorBody()).contains("\"status\":404").contains("does not exist");
    }

    @Test
    void refusalsAreProblems() {
        given().get("/v1/runs").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("type", endsWith("/unauthorized"));
        given().header("Authorization", "Bearer " + keys.get("viewer")).contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\"}").post("/v1/runs").then().statusCode(403)
                .contentType("application/problem+json").body("type", endsWith("/forbidden"))
                .body("detail", containsString("role 'viewer' may not POST"));
        // health stays open for probes
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void keysAreShownOnceStoredHashedAndRevocable() {
        var created = given().spec(TestAuth.as(TestAuth.ADMIN_KEY)).contentType(ContentType.JSON)
                .body("{\"name\": \"ci\", \"role\": \"developer\"}").post("/v1/api-keys").then().statusCode(201)
                .body("key", notNullValue()).body("created_at", notNullValue()).body("revoked_at", nullValue())
                .extract().jsonPath();
        String secret = created.getString("key");
        String id = created.getString("id");
        assertThat(secret).startsWith(created.getString("prefix"));
        given().spec(TestAuth.as(TestAuth.ADMIN_KEY)).get("/v1/api-keys").then().statusCode(200)
                .body("id", hasItem(id)).body("key", everyItem(Matchers.nullValue()))
                .body(not(containsString(secret.substring(12))));
        given().header("Authorization", "Bearer " + secret).get("/v1/runs").then().statusCode(200);
        given().spec(TestAuth.as(TestAuth.ADMIN_KEY)).delete("/v1/api-keys/" + id).then().statusCode(204);
        given().header("Authorization", "Bearer " + secret).get("/v1/runs").then().statusCode(401);
        given().spec(TestAuth.as(TestAuth.ADMIN_KEY)).get("/v1/api-keys").then().statusCode(200)
                .body("find { it.id == '" + id + "' }.revoked_at", notNullValue());
        given().spec(TestAuth.as(TestAuth.ADMIN_KEY)).delete("/v1/api-keys/" + id).then().statusCode(404);
        given().spec(TestAuth.as(TestAuth.ADMIN_KEY)).contentType(ContentType.JSON)
                .body("{\"name\": \"x\", \"role\": \"superuser\"}").post("/v1/api-keys").then().statusCode(422)
                .body("detail", containsString("'role' must be one of"));
    }

    @Test
    void anotherWorkspaceSeesNothing() {
        String other = TestAuth.key("admin", "acme");
        var asOther = TestAuth.as(other);
        given().spec(asOther).get("/v1/assistants/" + assistant).then().statusCode(404)
                .contentType("application/problem+json");
        given().spec(asOther).get("/v1/sessions/" + session).then().statusCode(404);
        given().spec(asOther).get("/v1/runs/" + run).then().statusCode(404);
        given().spec(asOther).get("/v1/runs/" + run + "/checkpoints").then().statusCode(404);
        given().spec(asOther).get("/v1/runs/" + run + "/messages").then().statusCode(404);
        given().spec(asOther).get("/v1/sessions/" + session + "/runs").then().statusCode(404);
        given().spec(asOther).get("/v1/runs").then().statusCode(200).body("id", not(hasItem(run)));
        given().spec(asOther).get("/v1/assistants").then().statusCode(200).body("id", not(hasItem(assistant)));
        // nor can it start runs on them
        given().spec(asOther).contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\"}")
                .post("/v1/runs").then().statusCode(404);
        given().spec(asOther).contentType(ContentType.JSON).body("{}").post("/v1/sessions/" + session + "/runs")
                .then().statusCode(404);
        // its own keys only
        given().spec(asOther).get("/v1/api-keys").then().statusCode(200)
                .body("workspace_id", everyItem(Matchers.equalTo("acme")));
    }
}
