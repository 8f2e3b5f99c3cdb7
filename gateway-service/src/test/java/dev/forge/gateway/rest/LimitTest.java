package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.gateway.GrpcCalls;
import dev.forge.gateway.TestAuth;
import dev.forge.proto.agent.v1.AgentService;
import dev.forge.proto.agent.v1.CreateRunRequest;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Limits through the API: a platform admin sets them, a workspace's admin cannot (not even its own) and administers
 * only its own workspace's keys; runs over a workspace's or an assistant's rate are refused with 429 and Retry-After
 * (gRPC RESOURCE_EXHAUSTED) and write nothing; usage shows each workspace against its limits.
 */
@QuarkusTest
class LimitTest {

    @GrpcClient("agent")
    AgentService grpc;

    private String workspace;

    @BeforeEach
    void fresh() {
        TestAuth.actAsAdmin();
        // a workspace of its own: rate counts live in Redis across test runs
        workspace = "limits-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Response createRun(String key, String assistant) {
        return given().spec(TestAuth.as(key)).contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant
                + "\", \"input\": {\"ticket\": \"t\"}}").post("/v1/runs");
    }

    private static String assistant(String key) {
        return given().spec(TestAuth.as(key)).contentType(ContentType.JSON).body("{\"name\": \"limited\", \"flow\": \"support-triage\"}")
                .post("/v1/assistants").then().statusCode(201).extract().path("id");
    }

    @Test
    void aPlatformAdminSetsLimitsAWorkspaceAdminOnlyItsOwnKeys() {
        String admin = TestAuth.key("admin", workspace);
        // the workspace's admin: keys of its own workspace only, no platform keys, no limits
        given().spec(TestAuth.as(admin)).contentType(ContentType.JSON).body("{\"name\": \"dev\", \"role\": \"developer\"}")
                .post("/v1/api-keys").then().statusCode(201).body("workspace_id", equalTo(workspace));
        given().spec(TestAuth.as(admin)).contentType(ContentType.JSON).body("{\"name\": \"x\", \"role\": \"developer\", "
                + "\"workspace_id\": \"default\"}").post("/v1/api-keys").then().statusCode(403)
                .body("detail", startsWith("an admin key acts on its own workspace"));
        given().spec(TestAuth.as(admin)).get("/v1/api-keys?workspace_id=default").then().statusCode(403);
        given().spec(TestAuth.as(admin)).contentType(ContentType.JSON).body("{\"name\": \"p\", \"role\": \"admin\", "
                + "\"platform\": true}").post("/v1/api-keys").then().statusCode(403);
        given().spec(TestAuth.as(admin)).contentType(ContentType.JSON).body("{\"max_concurrent\": 500}")
                .put("/v1/limits/workspaces/" + workspace).then().statusCode(403);
        given().spec(TestAuth.as(admin)).get("/v1/limits?workspace_id=default").then().statusCode(403);
        given().spec(TestAuth.as(admin)).get("/v1/limits").then().statusCode(200).body("workspace_id", equalTo(workspace));

        // the bootstrap key is a platform admin: any workspace, platform keys, limits
        String platform = given().contentType(ContentType.JSON).body("{\"name\": \"ops\", \"role\": \"admin\", "
                + "\"platform\": true, \"workspace_id\": \"" + workspace + "\"}").post("/v1/api-keys").then()
                .statusCode(201).body("platform", equalTo(true)).extract().path("key");
        given().contentType(ContentType.JSON).body("{\"name\": \"p\", \"role\": \"viewer\", \"platform\": true}")
                .post("/v1/api-keys").then().statusCode(422);
        given().spec(TestAuth.as(platform)).contentType(ContentType.JSON).body("{\"max_concurrent\": 4, \"runs_per_minute\": 100}")
                .put("/v1/limits/workspaces/" + workspace).then().statusCode(200)
                .body("workspace.max_concurrent", equalTo(4)).body("workspace.overridden", equalTo(true));
        given().spec(TestAuth.as(admin)).get("/v1/limits").then().statusCode(200).body("workspace.max_concurrent", equalTo(4))
                .body("workspace.runs_per_minute", equalTo(100));
        // bad values change nothing
        for (String bad : new String[] { "{\"max_concurrent\": -1}", "{\"max_concurrent\": \"many\"}",
                "{\"runs_per_minute\": 1.5}", "{}", "{\"max_concurrent\": 1, \"burst\": 2}",
                "{\"max_concurrent\": 100001}" }) {
            given().contentType(ContentType.JSON).body(bad).put("/v1/limits/workspaces/" + workspace).then()
                    .statusCode(422).contentType("application/problem+json");
        }
        given().get("/v1/limits?workspace_id=" + workspace).then().body("workspace.max_concurrent", equalTo(4));
        given().contentType(ContentType.JSON).body("{\"max_concurrent\": 1}")
                .put("/v1/limits/assistants/" + UUID.randomUUID()).then().statusCode(404);
        given().delete("/v1/limits/workspaces/" + workspace).then().statusCode(204);
        given().delete("/v1/limits/workspaces/" + workspace).then().statusCode(404);
    }

    @Test
    void runsOverARateAreRefusedWithRetryAfterAndWriteNothing() {
        String developer = TestAuth.key("developer", workspace);
        String first = assistant(developer);
        String second = assistant(developer);
        given().contentType(ContentType.JSON).body("{\"runs_per_minute\": 3}").put("/v1/limits/workspaces/" + workspace)
                .then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"runs_per_minute\": 1}").put("/v1/limits/assistants/" + second)
                .then().statusCode(200);
        // the assistant's own rate: one, then refused, while the workspace still has room
        createRun(developer, second).then().statusCode(202);
        var refused = createRun(developer, second);
        refused.then().statusCode(429).contentType("application/problem+json").body("scope", equalTo("assistant"));
        // the workspace's rate: two more fit (one under an idempotency key), then refused
        createRun(developer, first).then().statusCode(202);
        String keyed = "{\"assistant_id\": \"" + first + "\", \"input\": {\"ticket\": \"keyed\"}}";
        given().spec(TestAuth.as(developer)).contentType(ContentType.JSON).header("Idempotency-Key", "rate-k1")
                .body(keyed).post("/v1/runs").then().statusCode(202);
        var over = createRun(developer, first);
        over.then().statusCode(429).body("type", equalTo("https://forge.dev/problems/rate-limited"))
                .body("scope", equalTo("workspace")).body("limit", equalTo(3));
        int retryAfter = Integer.parseInt(over.getHeader("Retry-After"));
        assertThat(retryAfter).isBetween(1, 120);
        assertThat(over.jsonPath().getInt("retry_after")).isEqualTo(retryAfter);
        // a retry of the keyed create is its run again, not a new one: answered although the limit is reached
        given().spec(TestAuth.as(developer)).contentType(ContentType.JSON).header("Idempotency-Key", "rate-k1")
                .body(keyed).post("/v1/runs").then().statusCode(200).header("Idempotent-Replayed", "true");
        // the refusals wrote nothing: three runs in the workspace
        given().spec(TestAuth.as(developer)).get("/v1/runs?limit=50").then().statusCode(200).body("size()", equalTo(3));
        // gRPC: the same limit, RESOURCE_EXHAUSTED
        var client = GrpcCalls.withKey(grpc, developer);
        assertThat(GrpcCalls.code(() -> client.createRun(CreateRunRequest.newBuilder().setAssistantId(first).build())
                .await().atMost(java.time.Duration.ofSeconds(10)))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        // usage: the workspace's own row for its keys; every workspace's for a platform admin
        given().spec(TestAuth.as(developer)).get("/v1/limits/usage").then().statusCode(200).body("size()", equalTo(1))
                .body("[0].workspace_id", equalTo(workspace)).body("[0].queued", equalTo(3))
                .body("[0].runs_per_minute", equalTo(3));
        given().get("/v1/limits/usage").then().statusCode(200)
                .body("find { it.workspace_id == '" + workspace + "' }.queued", equalTo(3));
    }
}
