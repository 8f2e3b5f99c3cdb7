package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.discovery.service.ServiceRegistration;
import dev.forge.discovery.testing.ConsulStandInResource;
import dev.forge.gateway.TestAuth;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Services in Consul (the stand-in): the gateway's own entry, a worker process registering its executors and slots and
 * deregistering when stopped, the catalog's capacity view, feature flags applied live, and Stork resolving
 * skill-service from the catalog as the prod profile does.
 */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
class DiscoveryTest {

    private static final Duration SOON = Duration.ofSeconds(10);

    @Inject
    ServiceRegistration registration;

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    @AfterEach
    void clearFlags() {
        ConsulStandInResource.consul().deleteKey("forge/flags/runs-paused");
        ConsulStandInResource.consul().deleteKey("forge/flags/claims-paused");
    }

    /** Worker settings that register it with the stand-in. */
    private static List<String> inConsul() {
        return List.of("-Dforge.consul.enabled=true",
                "-Dforge.consul.port=" + ConsulStandInResource.consul().port(),
                "-Dforge.consul.check-interval=500ms",
                "-Dforge.consul.reconcile-interval=500ms",
                "-Dforge.worker.slots=6");
    }

    private static String assistant(String flow) {
        return given().contentType(ContentType.JSON).body("{\"name\": \"discovery\", \"flow\": \"" + flow + "\"}")
                .post("/v1/assistants").then().statusCode(201).extract().path("id");
    }

    private static String runBody(String assistant, String text) {
        return "{\"assistant_id\": \"" + assistant + "\", \"input\": {\"text\": \"" + text + "\"}}";
    }

    @Test
    void theGatewayRegistersItsGrpcPort() {
        var consul = ConsulStandInResource.consul();
        await().atMost(SOON).until(() -> consul.service(registration.serviceId()) != null);
        var entry = consul.service(registration.serviceId());
        assertThat(entry.path("Service").asText()).isEqualTo("gateway-service");
        assertThat(entry.path("Port").asInt()).isEqualTo(52190);
        assertThat(entry.path("Meta").has("http-port")).isTrue();
    }

    @Test
    void aWorkerAppearsInTheCapacityViewAndLeavesItWhenStopped() throws Exception {
        var consul = ConsulStandInResource.consul();
        given().get("/v1/executors").then().statusCode(200).body("catalog", equalTo("consul"))
                .body("executor_types.size()", equalTo(0));
        try (var worker = WorkerProcess.start(51195, inConsul())) {
            await().atMost(SOON).untilAsserted(() -> given().get("/v1/executors").then()
                    .body("executor_types.find { it.executor_type == 'llm' }.slots", equalTo(6))
                    .body("executor_types.find { it.executor_type == 'llm' }.instances", equalTo(1)));
            var types = given().get("/v1/executors").then().extract().jsonPath();
            assertThat(types.getList("executor_types.executor_type", String.class))
                    .contains("llm", "conditional", "merge", "send", "wait");
            // the tools its flows bind and its GPU, as tags
            assertThat(types.getList("executor_types[0].hosts[0].tools", String.class)).contains("classify_document");
            assertThat(types.getBoolean("executor_types[0].hosts[0].gpu")).isFalse();
            String id = consul.instancesOf("worker-service").get(0);
            assertThat(consul.service(id).path("Tags").toString()).contains("executor:llm", "gpu:false");

            worker.close(); // SIGTERM: a graceful stop deregisters
            assertThat(consul.deregisterCalls()).contains(id);
            await().atMost(SOON).untilAsserted(() -> given().get("/v1/executors").then()
                    .body("executor_types.size()", equalTo(0)));
        }
        // operators and admins only
        given().spec(TestAuth.as(TestAuth.key("viewer", "default"))).get("/v1/executors").then().statusCode(403);
    }

    @Test
    void aRunnerRegistersUnderItsOwnNameAndAddsNoCapacity() throws Exception {
        var consul = ConsulStandInResource.consul();
        var properties = new ArrayList<>(inConsul());
        properties.add("-Dforge.runner.enabled=true");
        try (var runner = WorkerProcess.start(51197, properties)) {
            await().atMost(SOON).until(() -> !consul.instancesOf("webapp-runner").isEmpty());
            String id = consul.instancesOf("webapp-runner").get(0);
            assertThat(consul.service(id).path("Tags").toString()).contains("role:runner")
                    .doesNotContain("executor:");
            assertThat(consul.service(id).path("Meta").has("slots")).isFalse();
            assertThat(consul.instancesOf("worker-service")).isEmpty();
            given().get("/v1/executors").then().statusCode(200).body("executor_types.size()", equalTo(0));
        }
    }

    @Test
    void runsPausedRefusesNewRunsWhileSetWithoutARestart() {
        var consul = ConsulStandInResource.consul();
        String assistant = assistant("impatient-waiter");
        consul.putKey("forge/flags/runs-paused", "true");
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> given().contentType(ContentType.JSON)
                .body(runBody(assistant, "hello")).post("/v1/runs").then().statusCode(503)
                .contentType("application/problem+json").body("type", equalTo("https://forge.dev/problems/runs-paused")));
        consul.deleteKey("forge/flags/runs-paused");
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> given().contentType(ContentType.JSON)
                .body(runBody(assistant, "hello")).post("/v1/runs").then().statusCode(202));
    }

    @Test
    void claimsPausedHoldsNewRunsUntilCleared() throws Exception {
        var consul = ConsulStandInResource.consul();
        consul.putKey("forge/flags/claims-paused", "true");
        try (var worker = WorkerProcess.start(51196, inConsul())) {
            String assistant = assistant("impatient-waiter");
            String run = given().contentType(ContentType.JSON).body(runBody(assistant, "hello")).post("/v1/runs")
                    .then().statusCode(202).extract().path("id");
            // the worker is up and polling (every 200 ms), yet claims nothing: the run stays pending throughout
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> given()
                    .get("/v1/runs/" + run).then().extract().path("status").equals("pending"));
            consul.deleteKey("forge/flags/claims-paused");
            assertThat(EndToEndTest.awaitTerminal(run, Duration.ofSeconds(20)).getString("status"))
                    .isEqualTo("succeeded");
        }
    }

    @Test
    void theWorkerFindsSkillServiceInTheCatalogThroughStork() throws Exception {
        var consul = ConsulStandInResource.consul();
        // skill-service on a gRPC port no static list names: only the catalog knows where it is
        var skillInConsul = List.of("-Dquarkus.grpc.server.port=52392", "-Dforge.consul.enabled=true",
                "-Dforge.consul.port=" + consul.port(), "-Dforge.consul.check-interval=500ms",
                "-Dforge.consul.reconcile-interval=500ms");
        // the worker uses Consul discovery, as in prod
        var workerViaConsul = new ArrayList<>(inConsul());
        workerViaConsul.addAll(List.of("-Dquarkus.stork.skill-service.service-discovery.type=consul",
                "-Dquarkus.stork.skill-service.service-discovery.consul-host=127.0.0.1",
                "-Dquarkus.stork.skill-service.service-discovery.consul-port=" + consul.port(),
                "-Dquarkus.stork.skill-service.service-discovery.refresh-period=1s"));
        try (var skills = SkillServiceProcess.start(skillInConsul);
                var worker = WorkerProcess.start(51197, workerViaConsul)) {
            await().atMost(SOON).until(() -> !consul.instancesOf("skill-service").isEmpty() && consul
                    .checkStatuses(consul.instancesOf("skill-service").get(0)).values().stream()
                    .allMatch("passing"::equals));
            assertThat(consul.service(consul.instancesOf("skill-service").get(0)).path("Port").asInt())
                    .isEqualTo(52392);
            String assistant = assistant("skilled-waiter");
            String run = given().contentType(ContentType.JSON)
                    .body(runBody(assistant, "/summarize style=prose the quarterly report")).post("/v1/runs")
                    .then().statusCode(202).extract().path("id");
            var done = EndToEndTest.awaitTerminal(run, Duration.ofSeconds(30));
            assertThat(done.getString("status")).isEqualTo("succeeded");
            var start = given().get("/v1/runs/" + run + "/checkpoints/0").then().extract().jsonPath();
            assertThat(start.getString("state.skill.name")).isEqualTo("summarize");
            assertThat(start.getString("state.skill.parameters.style")).isEqualTo("prose");
        }
    }
}
