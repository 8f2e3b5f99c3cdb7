package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.forge.gateway.GrpcCalls;
import dev.forge.gateway.SseClient;
import dev.forge.gateway.TestAuth;
import dev.forge.proto.agent.v1.AgentService;
import dev.forge.proto.agent.v1.ResumeRunRequest;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Human in the loop through the API, on a real worker JVM: a run stops at a question, holds no slot while it waits,
 * survives its worker being killed, refuses a wrong answer (REST 422, gRPC INVALID_ARGUMENT), goes on with a right one
 * (once, even when the answer is retried), and can be rejected, forked from its waiting checkpoint, or timed out.
 */
@QuarkusTest
class HumanInTheLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @GrpcClient("agent")
    AgentService grpc;

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    private static String createRun(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/runs").then().statusCode(202)
                .extract().path("id");
    }

    private static JsonPath awaitInterrupted(String run) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> "interrupted".equals(
                given().get("/v1/runs/" + run).then().statusCode(200).extract().path("status")));
        return given().get("/v1/runs/" + run).then().extract().jsonPath();
    }

    private static String resume(String run, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/runs/" + run + "/resume").then()
                .extract().asString();
    }

    private long leased() {
        return pool.query("SELECT count(*) FROM jobs WHERE locked_by IS NOT NULL").execute().await()
                .atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    @Test
    void aRunWaitsForItsReviewerWithoutASlotSurvivesItsWorkerAndGoesOnOnceAnswered() throws Exception {
        String assistant = EndToEndTest.assistant("contract-approval");
        String run;
        Future<SseClient.Received> stream;
        var background = Executors.newSingleThreadExecutor();
        try (var worker = WorkerProcess.start(51190)) {
            run = createRun("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"title\": \"MSA 2027\", "
                    + "\"document\": \"This agreement limits liability and sets governing law.\"}}");
            // a live stream opened before the question: it sees the interrupt, stays open, and sees the rest
            String id = run;
            stream = background.submit(() -> SseClient.get("/v1/runs/" + id + "/stream", TestAuth.ADMIN_KEY, null,
                    e -> e.name().equals("run.succeeded") || e.name().equals("run.failed")));
            var waiting = awaitInterrupted(run);
            assertThat(waiting.getString("interrupt.kind")).isEqualTo("human");
            assertThat(waiting.getString("interrupt.executor")).isEqualTo("approval");
            assertThat(waiting.getString("interrupt.question"))
                    .startsWith("Approve the review of 'MSA 2027' for signature? [legal_reviewer] Legal review");
            assertThat(waiting.getList("interrupt.schema.required", String.class)).containsExactly("approved");
            assertThat(waiting.getString("interrupt.deadline")).isNotNull();
            assertThat(waiting.getList("route", String.class)).containsExactly("classifier", "router",
                    "legal_reviewer");
            // no slot held while it waits
            assertThat(leased()).isZero();
            given().get("/v1/monitor/capacity").then().statusCode(200)
                    .body("slots.find { it.worker_id == '" + worker.workerId() + "' }.used", equalTo(0));
            given().get("/v1/runs?status=interrupted").then().statusCode(200).body("id", hasItem(run));

            // the worker dies while the run waits: nothing is lost, nothing was held
            worker.kill();
        }
        // a wrong answer is refused with every problem, and changes nothing
        String wrong = resume(run, "{\"value\": {\"approved\": \"yes\", \"extra\": 1}}");
        assertThat(JsonPath.from(wrong).getInt("status")).as(wrong).isEqualTo(422);
        assertThat(JsonPath.from(wrong).getList("errors", String.class)).hasSize(2)
                .anySatisfy(e -> assertThat(e).startsWith("value.approved: "))
                .anySatisfy(e -> assertThat(e).contains("extra"));
        given().contentType(ContentType.JSON).body("{}").post("/v1/runs/" + run + "/resume").then().statusCode(422)
                .contentType("application/problem+json").body("detail", startsWith("'value' is required"));
        given().contentType(ContentType.JSON).body("{\"value\": {\"approved\": true}, \"goto\": \"nobody\"}")
                .post("/v1/runs/" + run + "/resume").then().statusCode(422);
        given().contentType(ContentType.JSON).body("{\"value\": 1, \"extra\": 2}")
                .post("/v1/runs/" + run + "/resume").then().statusCode(422);
        // gRPC shares the check
        var admin = GrpcCalls.withKey(grpc, TestAuth.ADMIN_KEY);
        var bad = ResumeRunRequest.newBuilder().setId(run).setValue(Value.newBuilder().setStructValue(
                Struct.newBuilder().putFields("approved", Value.newBuilder().setNumberValue(3).build()))).build();
        assertThat(GrpcCalls.code(() -> admin.resumeRun(bad).await().atMost(WAIT))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        given().get("/v1/runs/" + run).then().body("status", equalTo("interrupted"));

        // answered (with an Idempotency-Key) while no worker runs; a new worker takes it from there
        String answer = "{\"value\": {\"approved\": true, \"comment\": \"Looks good\"}}";
        given().contentType(ContentType.JSON).header("Idempotency-Key", "approve-" + run).body(answer)
                .post("/v1/runs/" + run + "/resume").then().statusCode(202).body("status", equalTo("running"));
        // the retry answers again; another answer is refused
        given().contentType(ContentType.JSON).header("Idempotency-Key", "approve-" + run).body(answer)
                .post("/v1/runs/" + run + "/resume").then().statusCode(200).header("Idempotent-Replayed", "true");
        given().contentType(ContentType.JSON).body(answer).post("/v1/runs/" + run + "/resume").then()
                .statusCode(409).body("type", endsWith("/run-not-interrupted"));
        try (var worker = WorkerProcess.start(51180)) {
            JsonPath done = EndToEndTest.awaitTerminal(run, WAIT);
            assertThat(done.getString("status")).as(done.prettify()).isEqualTo("succeeded");
            assertThat(done.getList("route", String.class)).containsExactly("classifier", "router",
                    "legal_reviewer", "approval", "decision", "aggregator");
            assertThat(done.getString("output")).startsWith("Ready for signature").contains("Looks good");
            assertThat(done.getString("interrupt")).isNull();
            var events = stream.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(events.names()).containsSubsequence("run.started", "run.interrupted", "run.resumed",
                    "run.succeeded");
            var resumed = events.events().stream().filter(e -> e.name().equals("run.resumed")).toList();
            assertThat(resumed).hasSize(1);
            assertThat(resumed.get(0).data()).contains("\"executor\":\"approval\"");
        } finally {
            background.shutdownNow();
        }
        // the answer is in the resume checkpoint, with who gave it
        var checkpoints = given().get("/v1/runs/" + run + "/checkpoints").then().extract().jsonPath();
        assertThat(checkpoints.getList("metadata.kind", String.class)).contains("interrupt", "resume");
        String by = checkpoints.getString("find { it.metadata.kind == 'resume' }.metadata.by");
        // the key's shown prefix, never the key
        assertThat(by).isNotBlank().doesNotContain(TestAuth.ADMIN_KEY);
        assertThat(TestAuth.ADMIN_KEY).startsWith(by.replace("…", ""));
    }

    @Test
    void aRunsOwnInterruptListStopsItAndItCanBeForkedFromThereOrRejected() throws Exception {
        String assistant = EndToEndTest.assistant("document-review");
        try (var worker = WorkerProcess.start(51190)) {
            String run = createRun("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": "
                    + "\"Quarterly revenue\"}, \"interrupt_before\": [\"aggregator\"]}");
            var waiting = awaitInterrupted(run);
            assertThat(waiting.getString("interrupt.kind")).isEqualTo("before");
            assertThat(waiting.getString("interrupt.executor")).isEqualTo("aggregator");
            assertThat(waiting.getList("overrides.interrupt_before", String.class)).containsExactly("aggregator");
            int step = waiting.getInt("interrupt.step");

            // a fork from the waiting checkpoint waits too, and goes its own way when answered
            String fork = given().contentType(ContentType.JSON).body("{\"step\": " + step + ", \"new_session\": true}")
                    .post("/v1/runs/" + run + "/fork").then().statusCode(202).extract().path("id");
            assertThat(awaitInterrupted(fork).getString("interrupt.executor")).isEqualTo("aggregator");
            given().contentType(ContentType.JSON).body("{\"state\": {\"outputs\": {\"financial_reviewer\": "
                    + "\"EDITED\"}}}").post("/v1/runs/" + fork + "/resume").then().statusCode(202);
            JsonPath forked = EndToEndTest.awaitTerminal(fork, WAIT);
            assertThat(forked.getString("status")).isEqualTo("succeeded");
            assertThat(forked.getString("output")).isEqualTo("EDITED");

            // the original is rejected: cancelled with the reason, its session free again
            given().contentType(ContentType.JSON).body("{\"reason\": \"wrong document\"}")
                    .post("/v1/runs/" + run + "/reject").then().statusCode(200).body("status", equalTo("cancelled"))
                    .body("error.type", equalTo("rejected")).body("error.message", equalTo("wrong document"));
            given().contentType(ContentType.JSON).body("{}").post("/v1/runs/" + run + "/reject").then()
                    .statusCode(409);
            String session = waiting.getString("session_id");
            given().get("/v1/sessions/" + session).then().body("status", equalTo("idle"));
            assertThat(pool.preparedQuery("SELECT count(*) FROM jobs WHERE run_id = $1")
                    .execute(Tuple.of(UUID.fromString(run))).await().atMost(WAIT).iterator().next().getLong(0))
                    .isZero();

            // a plain cancel ends a waiting run too: no worker holds it, so the gateway ends it at once
            String waitingRun = createRun("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": "
                    + "\"notes\"}, \"interrupt_before\": [\"classifier\"]}");
            String waitingSession = awaitInterrupted(waitingRun).getString("session_id");
            given().post("/v1/runs/" + waitingRun + "/cancel").then().statusCode(200)
                    .body("status", equalTo("cancelled")).body("interrupt", org.hamcrest.Matchers.nullValue());
            given().get("/v1/sessions/" + waitingSession).then().body("status", equalTo("idle"));
            given().contentType(ContentType.JSON).body("{}").post("/v1/runs/" + waitingRun + "/resume").then()
                    .statusCode(409);

            // an unknown executor in the list is refused when the run is created
            given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant + "\", "
                    + "\"interrupt_after\": [\"ghost\"]}").post("/v1/runs").then().statusCode(422)
                    .body("detail", startsWith("interrupt_after names unknown executor 'ghost'"));
        }
    }

    @Test
    void anUnansweredQuestionTimesOutToItsRouteAndAnAnswerAfterThatIsRefused() throws Exception {
        String assistant = EndToEndTest.assistant("approval-timeout");
        try (var worker = WorkerProcess.start(51190)) {
            String run = createRun("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"ticket\": \"t\", "
                    + "\"customer\": \"Cy\"}}");
            awaitInterrupted(run);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> !"interrupted".equals(
                    given().get("/v1/runs/" + run).then().extract().path("status")));
            JsonPath done = EndToEndTest.awaitTerminal(run, WAIT);
            assertThat(done.getString("status")).isEqualTo("succeeded");
            assertThat(done.getList("route", String.class)).containsExactly("draft", "review", "escalate");
            given().contentType(ContentType.JSON).body("{\"value\": {\"approved\": true}}")
                    .post("/v1/runs/" + run + "/resume").then().statusCode(409);
        }
    }
}
