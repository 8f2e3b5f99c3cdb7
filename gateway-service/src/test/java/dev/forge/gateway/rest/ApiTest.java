package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.gateway.TestAuth;
import dev.forge.gateway.TestDb;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;

/** The REST resources: happy paths, and bad requests that get problem+json and change nothing. */
@QuarkusTest
class ApiTest {

    @Inject
    Pool pool;

    private long count(String table) {
        return pool.query("SELECT count(*) FROM " + table).execute().await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }

    private long[] counts() {
        return new long[] { count("runs"), count("jobs"), count("sessions"), count("events") };
    }

    private String assistant() {
        return given().contentType(ContentType.JSON)
                .body("{\"name\": \"reviewer\", \"flow\": \"document-review\", \"metadata\": {\"team\": \"legal\"}}")
                .post("/v1/assistants").then().statusCode(201)
                .extract().path("id");
    }

    @BeforeEach
    void clean() {
        TestAuth.actAsAdmin();
        TestDb.reset(pool);
    }

    @Test
    void assistantsAreCreatedWithThePinnedFlowVersionAndListed() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"name\": \"reviewer\", \"flow\": \"document-review\"}")
                .post("/v1/assistants").then().statusCode(201)
                .header("Location", containsString("/v1/assistants/"))
                .body("flow.name", equalTo("document-review"))
                .body("flow.version", equalTo(given().get("/v1/flows/document-review").path("version")))
                .body("version", equalTo(1))
                .extract().path("id");
        given().get("/v1/assistants/" + id).then().statusCode(200).body("name", equalTo("reviewer"));
        given().get("/v1/assistants").then().statusCode(200).body("id", hasItem(id));
        given().get("/v1/flows").then().statusCode(200).body("name", hasItem("research-fanout"));
    }

    @Test
    void unknownFlowAndMissingFieldsAreListed() {
        given().contentType(ContentType.JSON).body("{\"flow\": \"nope\", \"colour\": 1}").post("/v1/assistants")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", endsWith("/validation-failed"))
                .body("errors", hasSize(3))
                .body("errors", hasItem(containsString("'name' is required")))
                .body("errors", hasItem(containsString("unknown flow 'nope'")))
                .body("errors", hasItem(containsString("'colour' is not a known field")));
        assertThat(count("assistants")).isZero();
    }

    @Test
    void sessionsBelongToAnAssistant() {
        String assistant = assistant();
        String session = given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"metadata\": {\"user\": \"u1\"}}")
                .post("/v1/sessions").then().statusCode(201).body("status", equalTo("idle"))
                .extract().path("id");
        given().get("/v1/sessions/" + session).then().statusCode(200).body("metadata.user", equalTo("u1"));
        given().queryParam("assistant_id", assistant).queryParam("status", "idle").get("/v1/sessions").then()
                .statusCode(200).body("id", hasItem(session));
        given().queryParam("status", "sleepy").get("/v1/sessions").then().statusCode(422)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"00000000-0000-0000-0000-000000000001\"}")
                .post("/v1/sessions").then().statusCode(404).contentType("application/problem+json")
                .body("type", endsWith("/not-found")).body("detail", containsString("assistant"));
    }

    @Test
    void creatingARunWritesRunJobAndSessionTogetherAndAnswers202() {
        String assistant = assistant();
        String id = given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": \"a contract\"}}")
                .post("/v1/runs").then().statusCode(202)
                .header("Location", containsString("/v1/runs/"))
                .body("status", equalTo("pending"))
                .body("input.document", equalTo("a contract"))
                .body("flow.name", equalTo("document-review"))
                .extract().path("id");
        assertThat(counts()).containsExactly(1, 1, 1, 1);
        String session = given().get("/v1/runs/" + id).then().statusCode(200).extract().path("session_id");
        // a second run in the same session, by path
        given().contentType(ContentType.JSON).body("{\"input\": {}}").post("/v1/sessions/" + session + "/runs").then()
                .statusCode(202).body("session_id", equalTo(session));
        given().get("/v1/sessions/" + session + "/runs").then().statusCode(200).body("$", hasSize(2));
        given().queryParam("session_id", session).queryParam("status", "pending").get("/v1/runs").then()
                .statusCode(200).body("$", hasSize(2));
        given().get("/v1/runs/" + id + "/checkpoints").then().statusCode(200).body("$", hasSize(0));
    }

    /** Concurrent creates are group-committed: each still gets its own session, job and run.created event. */
    @Test
    void concurrentCreatesShareCommitsAndEachRunIsWhole() throws Exception {
        String assistant = assistant();
        String body = "{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": \"n\"}}";
        var clients = Executors.newFixedThreadPool(16);
        try {
            var answers = new ArrayList<Future<JsonPath>>();
            for (int i = 0; i < 96; i++) {
                answers.add(clients.submit(() -> given().auth().oauth2(TestAuth.ADMIN_KEY)
                        .contentType(ContentType.JSON).body(body).post("/v1/runs").then().statusCode(202)
                        .extract().jsonPath()));
            }
            var sessions = new HashSet<String>();
            for (var answer : answers) {
                var run = answer.get(30, TimeUnit.SECONDS);
                assertThat(run.getString("status")).isEqualTo("pending");
                assertThat(run.getString("flow.name")).isEqualTo("document-review");
                sessions.add(run.getString("session_id"));
            }
            assertThat(sessions).hasSize(96);
        } finally {
            clients.shutdown();
        }
        assertThat(counts()).containsExactly(96, 96, 96, 96);
        assertThat(pool.query("SELECT count(*) FROM runs r "
                + "JOIN jobs j ON j.run_id = r.id AND j.session_id = r.session_id "
                + "JOIN events e ON e.run_id = r.id AND e.type = 'run.created' AND e.session_id = r.session_id")
                .execute().await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0)).isEqualTo(96);
        // no worker runs here: all 96 wait, and the queue-depth gauge (what an HPA scales workers on) says so
        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> metric("forge_queue_waiting") == 96);
        assertThat(metric("forge_queue_leased")).isZero();
        assertThat(metric("forge_queue_oldest_age_seconds")).isGreaterThanOrEqualTo(0);
        // some went together: a group-commit statement carried more than one create
        assertThat(metric("forge_gateway_create_batch_max")).isGreaterThan(1);
    }

    /** A gauge's value from the Prometheus endpoint (its first series). */
    private static double metric(String name) {
        return RestAssured.get("/q/metrics").then().extract().asString().lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.split(" ")[1])).findFirst().orElseThrow();
    }

    @Test
    void malformedJsonIsA400ProblemAndWritesNothing() {
        assistant();
        var before = counts();
        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"x\", \"input\": {").post("/v1/runs").then()
                .statusCode(400).contentType("application/problem+json")
                .body("type", endsWith("/malformed-json"))
                .body("status", equalTo(400))
                .body("detail", startsWith("request body is not valid JSON"))
                .body("instance", equalTo("/v1/runs"));
        assertThat(counts()).containsExactly(before);
    }

    @Test
    void unknownAssistantIs404AndWritesNothing() {
        var before = counts();
        given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"7d0b1e2c-0000-4000-8000-000000000000\", \"input\": {}}")
                .post("/v1/runs").then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("assistant '7d0b1e2c-0000-4000-8000-000000000000' does not exist"));
        given().contentType(ContentType.JSON).body("{\"input\": {}}")
                .post("/v1/sessions/7d0b1e2c-0000-4000-8000-000000000000/runs").then().statusCode(404);
        assertThat(counts()).containsExactly(before);
    }

    @Test
    void oversizedBodyIs413Problem() {
        String assistant = assistant();
        var before = counts();
        var big = "x".repeat(70_000);
        given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": \"" + big + "\"}}")
                .post("/v1/runs").then().statusCode(413).contentType("application/problem+json")
                .body("type", endsWith("/payload-too-large"))
                .body("detail", containsString("exceeds the limit of 65536 bytes"));
        assertThat(counts()).containsExactly(before);
    }

    @Test
    void invalidFieldsAndOverridesAreAllReported() {
        String assistant = assistant();
        var before = counts();
        given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": [1], \"priority\": 9, "
                        + "\"overrides\": {\"max_tokens\": 0, \"models\": {\"ghost\": \"m\"}}}")
                .post("/v1/runs").then().statusCode(422).contentType("application/problem+json")
                .body("errors", hasItem(containsString("'input' must be a JSON object")))
                .body("errors", hasItem(containsString("'priority' is not a known field")))
                .body("errors", hasItem(containsString("overrides.max_tokens must be a positive whole number")));
        given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"overrides\": {\"models\": {\"router\": \"m\"}}}")
                .post("/v1/runs").then().statusCode(422)
                .body("detail", containsString("executor 'router' is conditional, not llm"));
        given().contentType(ContentType.JSON).body("[]").post("/v1/runs").then().statusCode(422)
                .body("detail", containsString("must be a JSON object"));
        given().contentType(ContentType.JSON).body("{\"assistant_id\": \"not-a-uuid\"}").post("/v1/runs").then()
                .statusCode(422).body("detail", containsString("must be a UUID"));
        assertThat(counts()).containsExactly(before);
    }

    @Test
    void unknownRunsAndPathsAreProblems() {
        given().get("/v1/runs/4f1e0f43-0000-4000-8000-000000000000").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/v1/runs/not-a-uuid").then().statusCode(422).contentType("application/problem+json");
        given().get("/v1/runs/not-a-uuid/checkpoints").then().statusCode(422);
        given().get("/v1/no/such/path").then().statusCode(404).contentType("application/problem+json");
        given().queryParam("limit", 0).get("/v1/runs").then().statusCode(422);
        given().queryParam("status", "exploded").get("/v1/runs").then().statusCode(422);
        given().contentType(ContentType.TEXT).body("hello").post("/v1/runs").then().statusCode(415)
                .contentType("application/problem+json");
    }

    @Test
    void healthEndpointsAnswer() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private String newRun(String assistant) {
        return given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\"}").post("/v1/runs")
                .then().statusCode(202).extract().path("id");
    }

    @Test
    void cancellingAPendingRunMeansItNeverStartsAndCancellingTwiceIs409() {
        String run = newRun(assistant());
        given().post("/v1/runs/" + run + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled")).body("error.type", equalTo("cancelled"));
        assertThat(count("jobs")).as("no job left for a worker to claim").isZero();
        given().post("/v1/runs/" + run + "/cancel").then().statusCode(409).contentType("application/problem+json")
                .body("type", endsWith("/run-finished")).body("detail", containsString("is cancelled"));
        given().post("/v1/runs/4f1e0f43-0000-4000-8000-000000000000/cancel").then().statusCode(404);
    }

    @Test
    void idempotencyKeyReturnsTheOriginalRunOrRefusesAnotherRequest() {
        String assistant = assistant();
        String body = "{\"assistant_id\": \"" + assistant + "\", \"input\": {\"a\": 1, \"b\": [1, 2]}}";
        String first = given().header("Idempotency-Key", "order-42").contentType(ContentType.JSON).body(body)
                .post("/v1/runs").then().statusCode(202).extract().path("id");
        // the same request again (keys in another order): the original run, nothing new written
        var before = counts();
        String reordered = "{\"input\": {\"b\": [1, 2], \"a\": 1}, \"assistant_id\": \"" + assistant + "\"}";
        given().header("Idempotency-Key", "order-42").contentType(ContentType.JSON).body(reordered).post("/v1/runs")
                .then().statusCode(200).header("Idempotent-Replayed", "true").body("id", equalTo(first));
        assertThat(counts()).containsExactly(before);
        // another request under the same key
        given().header("Idempotency-Key", "order-42").contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"a\": 2}}").post("/v1/runs")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", endsWith("/idempotency-key-reused")).body("detail", containsString(first));
        assertThat(counts()).containsExactly(before);
        given().header("Idempotency-Key", "has space").contentType(ContentType.JSON).body(body).post("/v1/runs")
                .then().statusCode(422);
    }

    @Test
    void multitaskStrategiesOnABusySession() {
        String assistant = assistant();
        String first = newRun(assistant);
        String session = given().get("/v1/runs/" + first).then().extract().path("session_id");
        var before = counts();
        given().contentType(ContentType.JSON).body("{\"multitask_strategy\": \"reject\"}")
                .post("/v1/sessions/" + session + "/runs").then().statusCode(409)
                .contentType("application/problem+json").body("type", endsWith("/session-busy"));
        assertThat(counts()).containsExactly(before);

        String queued = given().contentType(ContentType.JSON).body("{\"multitask_strategy\": \"enqueue\"}")
                .post("/v1/sessions/" + session + "/runs").then().statusCode(202).extract().path("id");
        given().get("/v1/runs/" + first).then().body("status", equalTo("pending"));

        String latest = given().contentType(ContentType.JSON).body("{\"multitask_strategy\": \"interrupt\"}")
                .post("/v1/sessions/" + session + "/runs").then().statusCode(202)
                .body("multitask_strategy", equalTo("interrupt")).extract().path("id");
        given().get("/v1/runs/" + first).then().body("status", equalTo("cancelled"));
        given().get("/v1/runs/" + queued).then().body("status", equalTo("cancelled"));
        given().get("/v1/runs/" + latest).then().body("status", equalTo("pending"));
        assertThat(count("jobs")).isEqualTo(1);
        given().contentType(ContentType.JSON).body("{\"multitask_strategy\": \"shove\"}")
                .post("/v1/sessions/" + session + "/runs").then().statusCode(422);
    }

    @Test
    void updatingAnAssistantMakesANewVersionAndRunsKeepTheirs() {
        String assistant = assistant();
        String before = newRun(assistant);
        given().contentType(ContentType.JSON).body("{\"name\": \"reviewer v2\", \"config\": {\"tone\": \"dry\"}}")
                .patch("/v1/assistants/" + assistant).then().statusCode(200)
                .body("version", equalTo(2)).body("name", equalTo("reviewer v2")).body("config.tone", equalTo("dry"))
                .body("metadata.team", equalTo("legal"));
        String after = newRun(assistant);
        given().get("/v1/runs/" + before).then().body("assistant_version", equalTo(1));
        given().get("/v1/runs/" + after).then().body("assistant_version", equalTo(2));
        given().get("/v1/assistants/" + assistant + "/versions").then().statusCode(200)
                .body("version", Matchers.contains(2, 1))
                .body("name", Matchers.contains("reviewer v2", "reviewer"));
        given().contentType(ContentType.JSON).body("{}").patch("/v1/assistants/" + assistant).then().statusCode(422);
        given().contentType(ContentType.JSON).body("{\"flow\": \"nope\"}").patch("/v1/assistants/" + assistant)
                .then().statusCode(422);
        given().contentType(ContentType.JSON).body("{\"name\": \"x\"}")
                .patch("/v1/assistants/00000000-0000-4000-8000-000000000009").then().statusCode(404);
    }

    /** Changes at once each get a version of their own (the row is locked while it changes), none is lost. */
    @Test
    void concurrentChangesOfOneAssistantEachMakeAVersion() throws Exception {
        String assistant = assistant();
        var clients = Executors.newFixedThreadPool(8);
        try {
            var answers = new ArrayList<Future<Integer>>();
            for (int i = 0; i < 8; i++) {
                String body = "{\"description\": \"change " + i + "\"}";
                answers.add(clients.submit(() -> given().auth().oauth2(TestAuth.ADMIN_KEY)
                        .contentType(ContentType.JSON).body(body).patch("/v1/assistants/" + assistant).then()
                        .statusCode(200).extract().<Integer>path("version")));
            }
            var versions = new HashSet<Integer>();
            for (var answer : answers) {
                versions.add(answer.get(30, TimeUnit.SECONDS));
            }
            assertThat(versions).containsExactlyInAnyOrder(2, 3, 4, 5, 6, 7, 8, 9);
        } finally {
            clients.shutdownNow();
        }
        given().get("/v1/assistants/" + assistant + "/versions").then().statusCode(200)
                .body("version", Matchers.contains(9, 8, 7, 6, 5, 4, 3, 2, 1));
        given().get("/v1/assistants/" + assistant).then().body("version", equalTo(9));
    }

    @Test
    void searchFiltersAreParametersNotCode() {
        String assistant = assistant();
        given().contentType(ContentType.JSON).body("{\"name\": \"%weird_name\", \"flow\": \"support-triage\"}")
                .post("/v1/assistants").then().statusCode(201);
        given().queryParam("name", "REVIEW").get("/v1/assistants").then().statusCode(200).body("id", hasItem(assistant))
                .body("$", hasSize(1));
        // wildcards are literal characters
        given().queryParam("name", "%").get("/v1/assistants").then().statusCode(200)
                .body("name", Matchers.contains("%weird_name"));
        given().queryParam("name", "_").get("/v1/assistants").then().statusCode(200).body("$", hasSize(0));
        given().queryParam("metadata", "{\"team\": \"legal\"}").get("/v1/assistants").then().statusCode(200)
                .body("id", Matchers.contains(assistant));
        var before = counts();
        given().queryParam("metadata", "{\"team\": \"' OR 1=1 --\"}").get("/v1/assistants").then().statusCode(200)
                .body("$", hasSize(0));
        given().queryParam("metadata", "team=legal").get("/v1/assistants").then().statusCode(422)
                .contentType("application/problem+json");
        given().queryParam("status", "succeeded' OR '1'='1").get("/v1/runs").then().statusCode(422);
        given().queryParam("session_id", "1; DROP TABLE runs").get("/v1/runs").then().statusCode(422);
        // not a whole number: named as such (it was an empty 404 before)
        given().queryParam("limit", "1e9").get("/v1/runs").then().statusCode(422)
                .body("detail", Matchers.containsString("limit"));
        // ids that are not ids are malformed, not missing
        given().get("/v1/runs/%27%20OR%201%3D1").then().statusCode(422).contentType("application/problem+json");
        given().get("/v1/sessions/..%2F..%2Fetc").then().statusCode(Matchers.oneOf(404, 422));
        assertThat(counts()).containsExactly(before);

        String session = given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"metadata\": {\"user\": \"u7\", \"plan\": \"pro\"}}")
                .post("/v1/sessions").then().statusCode(201).extract().path("id");
        given().queryParam("metadata", "{\"user\": \"u7\"}").get("/v1/sessions").then().statusCode(200)
                .body("id", Matchers.contains(session));
        given().queryParam("metadata", "{\"user\": \"u8\"}").get("/v1/sessions").then().body("$", hasSize(0));
    }

    @Test
    void runListsPageWithACursor() {
        String assistant = assistant();
        var created = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            created.add(newRun(assistant));
        }
        var seen = new ArrayList<String>();
        String cursor = null;
        int pages = 0;
        do {
            var spec = given().queryParam("limit", 2);
            if (cursor != null) {
                spec = spec.queryParam("cursor", cursor);
            }
            var response = spec.get("/v1/runs").then().statusCode(200).extract();
            seen.addAll(response.jsonPath().getList("id", String.class));
            cursor = response.header("Forge-Next-Cursor");
            if (cursor != null) {
                assertThat(response.header("Link")).contains("rel=\"next\"").contains("cursor=" + cursor);
            }
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        Collections.reverse(created);
        assertThat(seen).isEqualTo(created);
        given().queryParam("cursor", "not-a-cursor").get("/v1/runs").then().statusCode(422);
    }

    @Test
    void deletingRefusesUnfinishedWorkThenRemovesEverything() {
        String assistant = assistant();
        String run = newRun(assistant);
        String session = given().get("/v1/runs/" + run).then().extract().path("session_id");
        given().delete("/v1/runs/" + run).then().statusCode(409).contentType("application/problem+json")
                .body("type", endsWith("/has-unfinished-runs"));
        given().delete("/v1/sessions/" + session).then().statusCode(409);
        given().delete("/v1/assistants/" + assistant).then().statusCode(409);
        assertThat(count("runs")).isEqualTo(1);

        given().post("/v1/runs/" + run + "/cancel").then().statusCode(200);
        given().delete("/v1/runs/" + run).then().statusCode(204);
        given().get("/v1/runs/" + run).then().statusCode(404);

        String second = given().contentType(ContentType.JSON).body("{}").post("/v1/sessions/" + session + "/runs")
                .then().statusCode(202).extract().path("id");
        given().post("/v1/runs/" + second + "/cancel").then().statusCode(200);
        given().delete("/v1/sessions/" + session).then().statusCode(204);
        given().get("/v1/sessions/" + session).then().statusCode(404);
        given().get("/v1/runs/" + second).then().statusCode(404);

        newRun(assistant);
        given().post("/v1/runs/" + given().get("/v1/runs").then().extract().path("[0].id") + "/cancel").then()
                .statusCode(200);
        given().delete("/v1/assistants/" + assistant).then().statusCode(204);
        given().get("/v1/assistants/" + assistant).then().statusCode(404);
        assertThat(count("runs")).isZero();
        assertThat(count("sessions")).isZero();
        assertThat(count("workflow_checkpoints")).isZero();
    }
}
