package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.gateway.SseClient;
import dev.forge.gateway.SseClientTestPredicates;
import dev.forge.gateway.TestAuth;
import dev.forge.proto.agent.v1.AgentService;
import dev.forge.proto.agent.v1.CreateAssistantRequest;
import dev.forge.proto.agent.v1.CreateRunRequest;
import dev.forge.proto.agent.v1.StreamRunEventsRequest;
import dev.forge.proto.agent.v1.WaitRunRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** The gateway's REST API driving real worker processes. */
@QuarkusTest
class EndToEndTest {

    @GrpcClient("agent")
    AgentService grpc;

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    static String assistant(String flow) {
        return given().contentType(ContentType.JSON).body("{\"name\": \"e2e\", \"flow\": \"" + flow + "\"}")
                .post("/v1/assistants").then().statusCode(201).extract().path("id");
    }

    private static String createRun(String assistant, String inputJson) {
        return given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": " + inputJson + "}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
    }

    /** Polls the run until it is terminal; its final view. */
    static JsonPath awaitTerminal(String run, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            String status = given().get("/v1/runs/" + run).then().statusCode(200).extract().path("status");
            return !status.equals("pending") && !status.equals("running");
        });
        return given().get("/v1/runs/" + run).then().extract().jsonPath();
    }

    @Test
    void documentReviewRoutesLegalFinancialAndGeneralDocuments() throws Exception {
        try (var worker = WorkerProcess.start(51191)) {
            String assistant = assistant("document-review");
            var docs = Map.of(
                    "legal_reviewer", "{\"document\": \"This agreement caps liability and requires indemnification.\"}",
                    "financial_reviewer", "{\"document\": \"Revenue grew and EBITDA improved this quarter.\"}",
                    "general_reviewer", "{\"document\": \"Minutes of the gardening club meeting.\"}");
            var runs = docs.entrySet().stream().map(e -> Map.entry(e.getKey(), createRun(assistant, e.getValue())))
                    .toList();
            for (var entry : runs) {
                var run = awaitTerminal(entry.getValue(), Duration.ofSeconds(30));
                assertThat(run.getString("status")).isEqualTo("succeeded");
                assertThat(run.getList("route", String.class))
                        .containsExactly("classifier", "router", entry.getKey(), "aggregator");
                assertThat(run.getString("output")).contains(switch (entry.getKey()) {
                    case "legal_reviewer" -> "Legal review";
                    case "financial_reviewer" -> "Financial review";
                    default -> "General review";
                });
                assertThat(run.getString("started_at")).isNotNull();
                assertThat(run.getInt("step_index")).isEqualTo(4);

                var checkpoints = given().get("/v1/runs/" + entry.getValue() + "/checkpoints").then().statusCode(200)
                        .extract().jsonPath();
                assertThat(checkpoints.getList("step_index", Integer.class)).containsExactly(0, 1, 2, 3, 4);
                assertThat(checkpoints.getString("[4].state.status.aggregator")).isEqualTo("done");
                // time travel: the state after step 1 holds the classifier's answer and nothing later
                assertThat(checkpoints.getMap("[1].state.outputs")).containsOnlyKeys("classifier");

                var graph = given().get("/v1/runs/" + entry.getValue() + "/graph").then().statusCode(200)
                        .extract().jsonPath();
                assertThat(graph.getList("from", String.class))
                        .containsExactly("classifier", "router", entry.getKey());
                assertThat(graph.getList("to", String.class))
                        .containsExactly("router", entry.getKey(), "aggregator");

                var messages = given().get("/v1/runs/" + entry.getValue() + "/messages").then().statusCode(200)
                        .extract().jsonPath();
                assertThat(messages.getList("role", String.class))
                        .containsExactly("user", "assistant", "assistant");
                var sessionMessages = given().get("/v1/sessions/" + run.getString("session_id") + "/messages").then()
                        .statusCode(200).extract().jsonPath();
                assertThat(sessionMessages.getList("run_id", String.class)).containsOnly(entry.getValue());
                assertThat(sessionMessages.getList("executor_id", String.class)).containsExactly(null, "classifier",
                        entry.getKey());
            }
        }
    }

    @Test
    void aKilledWorkersRunCompletesOnAnotherWorkerWithoutRepeatingFinishedSteps() throws Exception {
        String assistant = assistant("slow-pipeline");
        String run;
        var first = WorkerProcess.start(51192);
        try {
            run = createRun(assistant, "{\"doc\": \"d\"}");
            // 'fetch' is committed and the worker is inside the 1.5 s slow step
            await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/v1/runs/" + run + "/checkpoints")
                    .then().extract().jsonPath().getList("$").size() == 2);
            first.kill();
        } finally {
            first.close();
        }
        try (var second = WorkerProcess.start(51193)) {
            var done = awaitTerminal(run, Duration.ofSeconds(30));
            assertThat(done.getString("status")).isEqualTo("succeeded");
            assertThat(done.getInt("attempt")).isEqualTo(2);
            assertThat(done.getList("route", String.class)).containsExactly("fetch", "slow_step", "finish");

            var checkpoints = given().get("/v1/runs/" + run + "/checkpoints").then().extract().jsonPath();
            assertThat(checkpoints.getList("step_index", Integer.class)).containsExactly(0, 1, 2, 3);
            List<String> workers = checkpoints.getList("metadata.worker", String.class);
            assertThat(workers.get(1)).isEqualTo(first.workerId().toString());
            assertThat(workers.subList(2, 4)).containsOnly(second.workerId().toString());
            // the finished step is not executed again: one assistant message per executor
            var messages = given().get("/v1/runs/" + run + "/messages").then().extract().jsonPath();
            assertThat(messages.getList("executor_id", String.class)).containsExactly(null, "fetch", "slow_step",
                    "finish");
        }
    }

    @Test
    void cancellingARunningRunStopsItWithinASecond() throws Exception {
        // heartbeats only every 10 s: the cancel must arrive through the control exchange to beat 1 s
        try (var worker = WorkerProcess.start(51194, List.of("-Dforge.worker.lease=60s",
                "-Dforge.worker.heartbeat-interval=10s"))) {
            String assistant = assistant("slow-pipeline");
            String run = createRun(assistant, "{}");
            // inside the 1.5 s slow step
            await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/v1/runs/" + run + "/checkpoints")
                    .then().extract().jsonPath().getList("$").size() == 2);
            long asked = System.nanoTime();
            given().post("/v1/runs/" + run + "/cancel").then().statusCode(200)
                    .body("cancel_requested_at", Matchers.notNullValue());
            var done = awaitTerminal(run, Duration.ofSeconds(5));
            long tookMs = (System.nanoTime() - asked) / 1_000_000;
            assertThat(done.getString("status")).isEqualTo("cancelled");
            assertThat(tookMs).as("cancel took %d ms", tookMs).isLessThan(1000);
            assertThat(done.getString("error.type")).isEqualTo("cancelled");
            // the interrupted step wrote nothing, and the next run of the session can start
            await().during(Duration.ofMillis(1600)).atMost(Duration.ofSeconds(3)).until(() -> given()
                    .get("/v1/runs/" + run + "/checkpoints").then().extract().jsonPath().getList("$").size() == 2);
            given().post("/v1/runs/" + run + "/cancel").then().statusCode(409);
            String session = done.getString("session_id");
            String next = given().contentType(ContentType.JSON).body("{}").post("/v1/sessions/" + session + "/runs")
                    .then().statusCode(202).extract().path("id");
            // while it runs, a request with multitask_strategy "interrupt" cancels it and goes next
            await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/v1/runs/" + next + "/checkpoints")
                    .then().extract().jsonPath().getList("$").size() == 2);
            String interrupting = given().contentType(ContentType.JSON)
                    .body("{\"multitask_strategy\": \"interrupt\"}").post("/v1/sessions/" + session + "/runs")
                    .then().statusCode(202).extract().path("id");
            assertThat(awaitTerminal(next, Duration.ofSeconds(5)).getString("status")).isEqualTo("cancelled");
            var last = awaitTerminal(interrupting, Duration.ofSeconds(20));
            assertThat(last.getString("status")).isEqualTo("succeeded");
            assertThat(last.getString("started_at")).isGreaterThan(given().get("/v1/runs/" + next).then().extract()
                    .path("finished_at").toString());
        }
    }


    @Test
    void streamsResumeMidRunAndAfterTheEndWithoutLossOrDuplicates() throws Exception {
        try (var worker = WorkerProcess.start(51195)) {
            String run = createRun(assistant("slow-pipeline"), "{}");
            String key = TestAuth.ADMIN_KEY;
            // first connection: dropped right after the first step completed, while the slow step runs
            var first = SseClient.get("/v1/runs/" + run + "/stream", key, null,
                    e -> e.name().equals("step.completed"));
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.names().get(0)).isEqualTo("metadata");
            assertThat(first.names()).doesNotContain("end");
            String lastSeen = first.ids().get(first.ids().size() - 1);

            // reconnect with Last-Event-ID: the rest, to the end
            var second = SseClient.get("/v1/runs/" + run + "/stream", key, lastSeen, SseClientTestPredicates.END);
            assertThat(second.names().get(0)).isEqualTo("metadata");
            assertThat(second.names().get(second.names().size() - 1)).isEqualTo("end");
            assertThat(second.events().get(second.events().size() - 1).data()).contains("\"status\":\"succeeded\"");

            // the whole history, replayed after the end
            var full = SseClient.get("/v1/runs/" + run + "/stream", key, null, SseClientTestPredicates.END);
            var stitched = new ArrayList<>(first.ids());
            stitched.addAll(second.ids());
            assertThat(stitched).isEqualTo(full.ids()).doesNotHaveDuplicates();
            assertThat(full.ids().stream().map(Long::parseLong).toList()).isSorted();
            assertThat(full.names()).contains("run.started", "step.started", "step.completed", "message",
                    "run.succeeded");
            assertThat(full.names().stream().filter(n -> n.equals("step.completed")).count()).isEqualTo(3);

            // resuming after the end: from a middle event, and from the terminal one
            String middle = full.ids().get(3);
            var tail = SseClient.get("/v1/runs/" + run + "/stream", key, middle, SseClientTestPredicates.END);
            assertThat(tail.ids()).isEqualTo(full.ids().subList(4, full.ids().size()));
            var nothingLeft = SseClient.get("/v1/runs/" + run + "/stream", key,
                    full.ids().get(full.ids().size() - 1), SseClientTestPredicates.END);
            assertThat(nothingLeft.names()).containsExactly("metadata", "end");

            var missing = SseClient.get("/v1/runs/6c1f0f43-0000-4000-8000-000000000000/stream", key, null,
                    SseClientTestPredicates.END);
            assertThat(missing.status()).isEqualTo(404);
            var badId = SseClient.get("/v1/runs/" + run + "/stream", key, "abc", SseClientTestPredicates.END);
            assertThat(badId.status()).isEqualTo(422);
        }
    }

    @Test
    void createAndStreamAndCreateAndWait() throws Exception {
        try (var worker = WorkerProcess.start(51196)) {
            String assistant = assistant("document-review");
            String key = TestAuth.ADMIN_KEY;
            var streamed = SseClient.post("/v1/runs/stream", key, "{\"assistant_id\": \"" + assistant
                    + "\", \"input\": {\"document\": \"a contract with an indemnification clause\"}}",
                    SseClientTestPredicates.END);
            assertThat(streamed.status()).isEqualTo(200);
            assertThat(streamed.response().headers().firstValue("Location")).get().asString()
                    .matches("/v1/runs/[0-9a-f-]+/stream");
            assertThat(streamed.names()).contains("step.completed", "run.succeeded", "end");
            assertThat(streamed.events().stream().filter(e -> e.name().equals("step.started"))
                    .map(SseClient.Event::data).toList()).anySatisfy(d -> assertThat(d).contains("legal_reviewer"));

            given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant
                    + "\", \"input\": {\"document\": \"revenue and EBITDA\"}}").post("/v1/runs/wait").then()
                    .statusCode(200).body("status", Matchers.equalTo("succeeded"))
                    .body("output", Matchers.startsWith("Financial review"));
            given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant("slow-pipeline")
                    + "\"}").queryParam("timeout", 1).post("/v1/runs/wait").then().statusCode(202)
                    .header("Forge-Wait-Timed-Out", "true")
                    .body("status", Matchers.oneOf("pending", "running"));
        }
    }

    @Test
    void timeTravelForkFromAMiddleStepTakesAnotherRouteAndReplayRepeatsTheFirst() throws Exception {
        try (var worker = WorkerProcess.start(51197)) {
            String original = createRun(assistant("escalation"), "{\"ticket\": \"export broken\"}");
            var done = awaitTerminal(original, Duration.ofSeconds(30));
            assertThat(done.getList("route", String.class))
                    .containsExactly("summarize_ticket", "severity", "route", "self_serve");
            var originalCheckpoints = given().get("/v1/runs/" + original + "/checkpoints").then().extract()
                    .jsonPath().getList("id");

            // time travel: the state after step 1 holds only the summary
            given().get("/v1/runs/" + original + "/checkpoints/1").then().statusCode(200)
                    .body("state.outputs.keySet()", Matchers.contains("summarize_ticket"));
            given().get("/v1/runs/" + original + "/checkpoints/99").then().statusCode(404)
                    .body("detail", Matchers.containsString("steps 0 to 4"));

            // fork after the summary with a stricter severity model: the other branch
            String fork = given().contentType(ContentType.JSON)
                    .body("{\"step\": 1, \"overrides\": {\"models\": {\"severity\": \"strict-v2\"}}}")
                    .post("/v1/runs/" + original + "/fork").then().statusCode(202)
                    .body("parent_run_id", Matchers.equalTo(original))
                    .body("forked_from_step", Matchers.equalTo(1))
                    .extract().path("id");
            var forked = awaitTerminal(fork, Duration.ofSeconds(30));
            assertThat(forked.getString("status")).isEqualTo("succeeded");
            assertThat(forked.getList("route", String.class))
                    .containsExactly("summarize_ticket", "severity", "route", "escalate");
            assertThat(forked.getString("output")).isEqualTo("Escalated to the on-call engineer.");
            // the fork continued from the copied state: the summary was not produced again
            var forkMessages = given().get("/v1/runs/" + fork + "/messages").then().extract().jsonPath()
                    .getList("executor_id", String.class);
            assertThat(forkMessages).containsExactly("severity", "escalate");
            assertThat(given().get("/v1/runs/" + fork + "/checkpoints").then().extract().jsonPath()
                    .getList("step_index", Integer.class)).containsExactly(1, 2, 3, 4);

            // replay from step 2 repeats the original configuration and route
            String replay = given().contentType(ContentType.JSON).body("{\"step\": 2}")
                    .post("/v1/runs/" + original + "/replay").then().statusCode(202).extract().path("id");
            var replayed = awaitTerminal(replay, Duration.ofSeconds(30));
            assertThat(replayed.getList("route", String.class)).isEqualTo(done.getList("route", String.class));
            assertThat(replayed.getString("output")).isEqualTo(done.getString("output"));

            // the original is untouched
            var after = given().get("/v1/runs/" + original).then().extract().jsonPath();
            assertThat(after.getString("output")).isEqualTo(done.getString("output"));
            assertThat(given().get("/v1/runs/" + original + "/checkpoints").then().extract().jsonPath()
                    .getList("id")).isEqualTo(originalCheckpoints);

            // bad forks change nothing
            given().contentType(ContentType.JSON).body("{}").post("/v1/runs/" + original + "/fork").then()
                    .statusCode(422).body("detail", Matchers.containsString("'step' is required"));
            given().contentType(ContentType.JSON).body("{\"step\": 1, \"overrides\": {\"models\": {\"ghost\": \"m\"}}}")
                    .post("/v1/runs/" + original + "/fork").then().statusCode(422);
            given().contentType(ContentType.JSON).body("{\"step\": 1, \"overrides\": {}}")
                    .post("/v1/runs/" + original + "/replay").then().statusCode(422);
            given().contentType(ContentType.JSON).body("{\"step\": 42}").post("/v1/runs/" + original + "/fork")
                    .then().statusCode(404);

            // the communication graph as text
            String mermaid = given().queryParam("format", "mermaid").get("/v1/runs/" + fork + "/graph").then()
                    .statusCode(200).contentType(Matchers.startsWith("text/vnd.mermaid"))
                    .extract().asString();
            assertThat(mermaid).startsWith("flowchart LR").contains("n_route -->|").contains("n_escalate")
                    .contains(":::skipped");
            String dot = given().queryParam("format", "dot").get("/v1/runs/" + original + "/graph").then()
                    .statusCode(200).extract().asString();
            assertThat(dot).startsWith("digraph run {").contains("\"route\" -> \"self_serve\" [label=\"3\"]");
            given().queryParam("format", "png").get("/v1/runs/" + original + "/graph").then().statusCode(422);
        }
    }

    private AgentService grpcAsAdmin() {
        var headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + TestAuth.ADMIN_KEY);
        return GrpcClientUtils.attachHeaders(grpc, headers);
    }

    @Test
    void grpcEventStreamsResumeFromAnEventId() throws Exception {
        try (var worker = WorkerProcess.start(51198)) {
            var agent = grpcAsAdmin();
            var assistant = agent.createAssistant(CreateAssistantRequest.newBuilder()
                    .setName("g").setFlow("slow-pipeline").build()).await().atMost(Duration.ofSeconds(10));
            var run = agent.createRun(CreateRunRequest.newBuilder()
                    .setAssistantId(assistant.getId()).build()).await().atMost(Duration.ofSeconds(10));
            var request = StreamRunEventsRequest.newBuilder().setRunId(run.getId());

            // first subscription: dropped after the first completed step, mid-run
            var seenStep = new AtomicBoolean();
            var first = agent.streamRunEvents(request.build())
                    .select().first(e -> {
                        boolean take = !seenStep.get();
                        if (e.getType().equals("step.completed")) {
                            seenStep.set(true);
                        }
                        return take;
                    })
                    .collect().asList().await().atMost(Duration.ofSeconds(20));
            long last = first.get(first.size() - 1).getId();
            // resumed: everything after the last id seen, to the terminal event
            var rest = agent.streamRunEvents(request.setAfterEventId(last).build())
                    .collect().asList().await().atMost(Duration.ofSeconds(30));
            assertThat(rest.get(rest.size() - 1).getType()).isEqualTo("run.succeeded");

            var all = agent.streamRunEvents(request.setAfterEventId(0).build())
                    .collect().asList().await().atMost(Duration.ofSeconds(10));
            var stitched = new ArrayList<Long>();
            first.forEach(e -> stitched.add(e.getId()));
            rest.forEach(e -> stitched.add(e.getId()));
            assertThat(stitched).isEqualTo(all.stream().map(e -> e.getId()).toList()).doesNotHaveDuplicates();
            assertThat(all.stream().filter(e -> e.getType().equals("step.completed")).map(e -> e.getData()
                    .getFieldsOrThrow("executor").getStringValue()).toList())
                    .containsExactly("fetch", "slow_step", "finish");

            var waited = agent.waitRun(WaitRunRequest.newBuilder().setId(run.getId())
                    .build()).await().atMost(Duration.ofSeconds(10));
            assertThat(waited.getStatus()).isEqualTo("succeeded");
            assertThat(waited.getRouteList()).containsExactly("fetch", "slow_step", "finish");
            assertThat(waited.getOutput().getStringValue()).isNotEmpty();
            try {
                agent.streamRunEvents(StreamRunEventsRequest.newBuilder()
                        .setRunId("6a1f0f43-0000-4000-8000-000000000000").build())
                        .collect().asList().await().atMost(Duration.ofSeconds(10));
                Assertions.fail("expected NOT_FOUND");
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            }
        }
    }
}
