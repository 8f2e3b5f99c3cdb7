package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** The gateway's REST API driving real worker processes. */
@QuarkusTest
class EndToEndTest {

    @org.junit.jupiter.api.BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    private static String assistant(String flow) {
        return given().contentType(ContentType.JSON).body("{\"name\": \"e2e\", \"flow\": \"" + flow + "\"}")
                .post("/v1/assistants").then().statusCode(201).extract().path("id");
    }

    private static String createRun(String assistant, String inputJson) {
        return given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": " + inputJson + "}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
    }

    private static JsonPath awaitTerminal(String run, Duration timeout) {
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
        try (var worker = WorkerProcess.start(51194)) {
            String assistant = assistant("slow-pipeline");
            String run = createRun(assistant, "{}");
            // inside the 1.5 s slow step
            await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/v1/runs/" + run + "/checkpoints")
                    .then().extract().jsonPath().getList("$").size() == 2);
            long asked = System.nanoTime();
            given().post("/v1/runs/" + run + "/cancel").then().statusCode(200)
                    .body("cancel_requested_at", org.hamcrest.Matchers.notNullValue());
            var done = awaitTerminal(run, Duration.ofSeconds(5));
            long tookMs = (System.nanoTime() - asked) / 1_000_000;
            assertThat(done.getString("status")).isEqualTo("cancelled");
            assertThat(tookMs).as("cancel took %d ms", tookMs).isLessThan(1000);
            assertThat(done.getString("error.type")).isEqualTo("cancelled");
            // the interrupted step wrote nothing, and the next run of the session can start
            Thread.sleep(1600);
            assertThat(given().get("/v1/runs/" + run + "/checkpoints").then().extract().jsonPath().getList("$"))
                    .hasSize(2);
            given().post("/v1/runs/" + run + "/cancel").then().statusCode(409);
            String session = done.getString("session_id");
            String next = given().contentType(ContentType.JSON).body("{}").post("/v1/sessions/" + session + "/runs")
                    .then().statusCode(202).extract().path("id");
            assertThat(awaitTerminal(next, Duration.ofSeconds(20)).getString("status")).isEqualTo("succeeded");
        }
    }
}
