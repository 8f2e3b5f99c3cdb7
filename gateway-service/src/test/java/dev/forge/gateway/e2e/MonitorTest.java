package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The gateway's monitoring endpoints with a real worker process: a node SERVING with its slots, a run holding one,
 * ERROR after missed heartbeats when it is killed, SERVING again when it returns, STOPPED after a graceful stop.
 * (The test profile's worker-silence is 2 s; the worker heartbeats every 500 ms.)
 */
@QuarkusTest
class MonitorTest {

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    private static JsonPath deployments() {
        return given().get("/v1/monitor/deployments").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> node(String id) {
        return deployments().getMap("nodes.find { it.id == '" + id + "' }");
    }

    @Test
    void deploymentsAndCapacityFollowAWorkerThatStartsDiesReturnsAndStops() throws Exception {
        String workerId;
        try (var worker = WorkerProcess.start(51187, List.of("-Dforge.worker.slots=3"))) {
            workerId = worker.workerId().toString();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(node(workerId))
                    .containsEntry("status", "SERVING").containsEntry("slots_total", 3));
            var view = deployments();
            assertThat(view.getString("deployments.find { it.executor == 'llm' }.status")).isEqualTo("SERVING");
            assertThat(view.getList("deployments.executor", String.class))
                    .contains("llm", "conditional", "merge", "send", "wait", "tool", "human");
            assertThat(view.getList("deployments.find { it.executor == 'tool' }.node_ids", String.class))
                    .contains(workerId);
            assertThat(view.getInt("summary.active_deployments")).isEqualTo(7);

            // a run holds one of its slots while it runs
            String assistant = given().contentType(ContentType.JSON)
                    .body("{\"name\": \"monitor\", \"flow\": \"slow-pipeline\"}").post("/v1/assistants").then()
                    .statusCode(201).extract().path("id");
            String run = given().contentType(ContentType.JSON)
                    .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"doc\": \"d\"}}").post("/v1/runs")
                    .then().statusCode(202).extract().path("id");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var capacity = given().get("/v1/monitor/capacity").then().statusCode(200).extract().jsonPath();
                assertThat(capacity.getList("slots.find { it.worker_id == '" + workerId + "' }.holders",
                        String.class)).containsExactly(run);
                assertThat(capacity.getInt("slots.find { it.worker_id == '" + workerId + "' }.available"))
                        .isEqualTo(2);
                assertThat(capacity.getInt("totals.capacity")).isEqualTo(3);
                assertThat(capacity.getDouble("totals.utilization_percent")).isEqualTo(33.3);
                // the queue's desired state: this run leased to this worker, on its first claim (epoch 1)
                var desired = deployments().getMap("desired.find { it.epoch == 1 }.states.find { it.run_id == '"
                        + run + "' }");
                assertThat(desired).containsEntry("phase", "leased").containsEntry("worker_id", workerId);
            });
            EndToEndTest.awaitTerminal(run, Duration.ofSeconds(30));

            // killed: its heartbeats stop, and after worker-silence it is an error, its capacity gone
            worker.kill();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(node(workerId))
                    .containsEntry("status", "ERROR"));
            assertThat(deployments().getString("deployments.find { it.executor == 'llm' }.status"))
                    .isEqualTo("ERROR");
            assertThat(given().get("/v1/monitor/capacity").then().extract().jsonPath().getInt("totals.capacity"))
                    .isZero();
        }

        // the same worker returns, then stops gracefully
        try (var back = WorkerProcess.start(51187, List.of("-Dforge.worker.slots=3",
                "-Dforge.worker.id=" + workerId))) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(node(workerId))
                    .containsEntry("status", "SERVING"));
            assertThat(deployments().getString("deployments.find { it.executor == 'llm' }.status"))
                    .isEqualTo("SERVING");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(node(workerId))
                .containsEntry("status", "STOPPED"));
        assertThat(deployments().getString("deployments.find { it.executor == 'llm' }.status"))
                .isIn("STOPPED", "ERROR");
    }

    @Test
    void debugDescribesTheGatewayAndTheEndpointsAreForAdminsAndOperators() {
        var debug = given().get("/v1/monitor/debug").then().statusCode(200).extract().jsonPath();
        assertThat(debug.getString("service")).isEqualTo("gateway-service");
        assertThat(debug.getLong("uptime_seconds")).isGreaterThanOrEqualTo(0);
        assertThat(debug.getLong("memory.heap_max_mib")).isPositive();
        assertThat(debug.getInt("cpu.processors")).isPositive();
        assertThat(debug.getLong("queue.depth")).isGreaterThanOrEqualTo(0);
        assertThat(debug.getLong("database.connections")).isPositive();

        var operator = TestAuth.as(TestAuth.key("operator", "default"));
        for (String path : List.of("/v1/monitor/deployments", "/v1/monitor/capacity", "/v1/monitor/debug")) {
            given().spec(operator).get(path).then().statusCode(200);
            for (String role : List.of("developer", "viewer")) {
                given().spec(TestAuth.as(TestAuth.key(role, "default"))).get(path).then().statusCode(403);
            }
            given().spec(TestAuth.as("not-a-key-at-all-0000")).get(path).then().statusCode(401);
        }
    }
}
