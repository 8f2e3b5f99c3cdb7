package dev.forge.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.testing.ServiceJvm;
import dev.forge.discovery.testing.ConsulStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.HeaderConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * infra-monitor-service against real services: two gateway JVMs (gateway "a" on the monitor's database with a worker,
 * gateway "b" on another database), a gateway from the environment and one from gateways.json that nobody serves.
 * The tests share the cluster and run in order: gateways, switching, a gateway that stops and returns, a worker that
 * dies and returns, events, logs, context, trace context, registry, roles. A Consul stand-in holds the catalog the
 * monitor registers in and the registry reads.
 */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfraMonitorTest {

    private static final UUID WORKER_ID = UUID.randomUUID();
    private static ServiceJvm gatewayA;
    private static ServiceJvm gatewayB;
    private static ServiceJvm worker;
    private static String succeededRun;
    private static String failedRun;

    @Inject
    Pool pool;

    @BeforeAll
    static void cluster() throws Exception {
        gatewayA = Cluster.gateway(51181, 52181, Cluster.MAIN_DB);
        gatewayB = Cluster.gateway(51182, 52182, Cluster.OTHER_DB);
        worker = Cluster.worker(51183, WORKER_ID, 1);
    }

    @AfterAll
    static void stop() throws Exception {
        for (var jvm : new ServiceJvm[] { worker, gatewayB, gatewayA }) {
            if (jvm != null) {
                jvm.close();
            }
        }
    }

    @BeforeEach
    void admin() {
        RestAssured.requestSpecification = as(Cluster.ADMIN_KEY);
    }

    static RequestSpecification as(String key) {
        return new RequestSpecBuilder().addHeader("Authorization", "Bearer " + key)
                .setConfig(RestAssured.config().headerConfig(HeaderConfig.headerConfig()
                        .overwriteHeadersWithName("Authorization"))).build();
    }

    private static JsonPath gateway(String id) {
        return given().get("/v1/gateways/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static void register(String id, ServiceJvm jvm) {
        given().contentType(ContentType.JSON).body("{\"id\": \"" + id + "\", \"name\": \"Gateway " + id
                + "\", \"url\": \"http://127.0.0.1:" + jvm.port() + "/\", \"datacenter\": \"dc-" + id
                + "\", \"token\": \"" + Cluster.ADMIN_KEY + "\"}").post("/v1/gateways").then().statusCode(201)
                .header("Location", Matchers.endsWith("/v1/gateways/" + id));
    }

    @Test
    @Order(1)
    void gatewaysFromTheEnvironmentAndFilesAreReadOnlyAndNeverShowTheirTokens() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway("offline").getString("status"))
                .isEqualTo("disconnected"));
        var offline = gateway("offline");
        assertThat(offline.getString("source")).isEqualTo("env");
        assertThat(offline.getBoolean("token_configured")).isTrue();
        assertThat(offline.getBoolean("usable")).isFalse();
        assertThat(offline.getString("error")).startsWith("unreachable");
        var file = gateway("file-gw");
        assertThat(file.getString("source")).isEqualTo("file");
        assertThat(file.getString("datacenter")).isEqualTo("dc-test");
        assertThat(file.getBoolean("token_configured")).isTrue();
        // the file's invalid entries are skipped, not fatal
        String list = given().get("/v1/gateways").then().statusCode(200).extract().asString();
        assertThat(list).doesNotContain("bad-url", "Not Valid", "offline-token-never-shown-42",
                "file-token-never-shown-43");

        given().contentType(ContentType.JSON).body("{\"name\": \"renamed\"}").patch("/v1/gateways/offline").then()
                .statusCode(409).contentType("application/problem+json")
                .body("type", Matchers.endsWith("/gateway-not-editable"));
        given().delete("/v1/gateways/file-gw").then().statusCode(409);
        given().post("/v1/gateways/offline/test").then().statusCode(200).body("status",
                Matchers.equalTo("disconnected"));
        given().get("/v1/deployments?gateway=offline").then().statusCode(503)
                .body("type", Matchers.endsWith("/gateway-unavailable"));
        given().get("/v1/deployments?gateway=nope").then().statusCode(404);
    }

    @Test
    @Order(2)
    void gatewaysAddedOverTheApiAreTestedValidatedAndAudited() {
        register("a", gatewayA);
        register("b", gatewayB);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(gateway("a").getString("status")).isEqualTo("connected");
            assertThat(gateway("b").getString("status")).isEqualTo("connected");
        });
        var a = gateway("a");
        assertThat(a.getString("source")).isEqualTo("api");
        assertThat(a.getString("url")).isEqualTo("http://127.0.0.1:" + gatewayA.port());
        assertThat(a.getString("version")).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(a.getLong("latency_ms")).isNotNull();
        assertThat(a.getString("last_check_at")).isNotNull();
        assertThat(given().get("/v1/gateways").then().extract().asString()).doesNotContain(Cluster.ADMIN_KEY);
        // the stored token is sealed
        var stored = pool.query("SELECT encode(token, 'escape') AS t FROM monitor_gateways WHERE id = 'a'").execute()
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getString("t");
        assertThat(stored).doesNotContain(Cluster.ADMIN_KEY);

        // bad input: every problem named, nothing stored
        var problem = given().contentType(ContentType.JSON)
                .body("{\"id\": \"Bad Id\", \"url\": \"ftp://x\", \"color\": \"red\"}").post("/v1/gateways").then()
                .statusCode(422).contentType("application/problem+json").extract().jsonPath();
        assertThat(problem.getList("errors", String.class)).hasSize(3);
        given().contentType(ContentType.JSON).body("{\"id\": \"a\", \"url\": \"http://127.0.0.1:1\"}")
                .post("/v1/gateways").then().statusCode(409);
        given().contentType(ContentType.JSON).body("{\"id\": \"offline\", \"url\": \"http://127.0.0.1:1\"}")
                .post("/v1/gateways").then().statusCode(409);
        given().contentType(ContentType.JSON).body("{\"url\": \"http://user:pw@127.0.0.1:1\"}")
                .patch("/v1/gateways/a").then().statusCode(422);
        given().contentType(ContentType.JSON).body("[1]").post("/v1/gateways").then().statusCode(422);
        given().contentType(ContentType.JSON).body("{nope").post("/v1/gateways").then().statusCode(400);

        // a change and a removal, audited without the token
        register("c", gatewayB);
        given().contentType(ContentType.JSON).body("{\"name\": \"Gateway C\", \"token\": \"another-token-123456\"}")
                .patch("/v1/gateways/c").then().statusCode(200).body("name", Matchers.equalTo("Gateway C"))
                .body("status", Matchers.equalTo("degraded"));
        given().delete("/v1/gateways/c").then().statusCode(204);
        given().get("/v1/gateways/c").then().statusCode(404);
        var audit = given().get("/v1/audit?limit=50").then().statusCode(200).extract().jsonPath();
        assertThat(audit.getList("findAll { it.target == 'c' }.action", String.class))
                .containsExactly("gateway.deleted", "gateway.updated", "gateway.created");
        assertThat(audit.getList("findAll { it.target == 'a' }.action", String.class)).contains("gateway.created");
        assertThat(audit.getString("find { it.action == 'gateway.updated' }.actor")).isNotBlank();
        assertThat(audit.getList("find { it.action == 'gateway.updated' }.details.changed", String.class))
                .containsExactlyInAnyOrder("name", "token");
        String auditText = given().get("/v1/audit?limit=50").then().extract().asString();
        assertThat(auditText).doesNotContain("another-token-123456", Cluster.ADMIN_KEY);
    }

    @Test
    @Order(3)
    void switchingBetweenTwoGatewaysShowsEachOnesDeploymentsAndCapacity() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var a = given().get("/v1/deployments?gateway=a&refresh=true").then().statusCode(200).extract().jsonPath();
            assertThat(a.getString("gateway_id")).isEqualTo("a");
            assertThat(a.getString("deployments.deployments.find { it.executor == 'llm' }.status"))
                    .isEqualTo("SERVING");
            assertThat(a.getList("deployments.nodes.id", String.class)).contains(WORKER_ID.toString());
        });
        var b = given().get("/v1/deployments?gateway=b").then().statusCode(200).extract().jsonPath();
        assertThat(b.getList("deployments.nodes.id", String.class)).doesNotContain(WORKER_ID.toString());

        var all = given().get("/v1/deployments").then().statusCode(200).extract().jsonPath();
        assertThat(all.getList("gateways.gateway_id", String.class)).containsExactlyInAnyOrder("a", "b");
        assertThat(all.getList("unavailable.gateway_id", String.class)).contains("offline", "file-gw");

        var capA = given().get("/v1/capacity?gateway=a&refresh=true").then().statusCode(200).extract().jsonPath();
        assertThat(capA.getInt("total_capacity")).isEqualTo(1);
        assertThat(capA.getString("gateways[0].gateway_id")).isEqualTo("a");
        var capB = given().get("/v1/capacity?gateway=b").then().statusCode(200).extract().jsonPath();
        assertThat(capB.getString("gateways[0].gateway_id")).isEqualTo("b");
        var overview = given().get("/v1/capacity").then().statusCode(200).extract().jsonPath();
        assertThat(overview.getInt("connected_gateways")).isEqualTo(2);
        assertThat(overview.getString("health")).isIn("healthy", "degraded", "critical");
        // the debug view of the selected gateway
        var debug = given().get("/v1/debug?gateway=b").then().statusCode(200).extract().jsonPath();
        assertThat(debug.getString("gateway.id")).isEqualTo("b");
        assertThat(debug.getString("debug.service")).isEqualTo("gateway-service");
        assertThat(debug.getLong("debug.uptime_seconds")).isGreaterThanOrEqualTo(0);
    }

    @Test
    @Order(4)
    void aGatewayThatStopsIsDisconnectedAndComesBack() throws Exception {
        try (var stream = LiveStream.open("/v1/gateways/stream", Cluster.ADMIN_KEY)) {
            assertThat(stream.status()).isEqualTo(200);
            int port = gatewayB.port();
            gatewayB.kill();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway("b").getString("status"))
                    .isEqualTo("disconnected"));
            given().get("/v1/deployments?gateway=b").then().statusCode(503);
            given().get("/v1/capacity?gateway=b").then().statusCode(503);
            // the other gateway is unaffected
            given().get("/v1/deployments?gateway=a").then().statusCode(200);

            gatewayB = Cluster.gateway(port, 52182, Cluster.OTHER_DB);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway("b").getString("status"))
                    .isEqualTo("connected"));
            given().get("/v1/deployments?gateway=b").then().statusCode(200);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(statuses(stream, "b"))
                    .containsSubsequence("connected", "degraded", "disconnected", "connected"));
        }
    }

    private static List<String> statuses(LiveStream stream, String id) {
        var out = new ArrayList<String>();
        for (JsonNode item : stream.items()) {
            if (id.equals(item.path("id").asText())) {
                String status = item.path("status").asText();
                if (out.isEmpty() || !out.get(out.size() - 1).equals(status)) {
                    out.add(status);
                }
            }
        }
        return out;
    }

    private static String nodeStatus(String workerId) {
        return given().get("/v1/deployments?gateway=a&refresh=true").then().statusCode(200).extract().jsonPath()
                .getString("deployments.nodes.find { it.id == '" + workerId + "' }.status");
    }

    @Test
    @Order(5)
    void deploymentsAndCapacityFollowAWorkerThatDiesAndReturnsWithAnAlertAbove80Percent() throws Exception {
        // one slot, two slow runs back to back: 100 % for a few seconds, sampled every second
        try (var capacity = LiveStream.open("/v1/capacity/stream?gateway=a", Cluster.ADMIN_KEY)) {
            String first = Cluster.run(gatewayA, "slow-pipeline", "{\"doc\": \"1\"}");
            String second = Cluster.run(gatewayA, "slow-pipeline", "{\"doc\": \"2\"}");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var events = given().get("/v1/events?type=capacity.alert&gateway=a").then().statusCode(200).extract()
                        .jsonPath();
                assertThat(events.getList("severity", String.class)).contains("warning");
                assertThat(events.getDouble("[0].payload.utilization_percent")).isGreaterThan(80.0);
            });
            var audit = given().get("/v1/audit?action=capacity.threshold_exceeded").then().statusCode(200).extract()
                    .jsonPath();
            assertThat(audit.getString("[0].actor")).isEqualTo("system");
            assertThat(audit.getString("[0].target")).isEqualTo("a");
            await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(Cluster.status(gatewayA, second))
                    && "succeeded".equals(Cluster.status(gatewayA, first)));
            succeededRun = first;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(capacity.items().stream()
                    .map(i -> i.path("health").asText()).toList()).contains("critical", "healthy"));
            var samples = given().get("/v1/capacity/samples?gateway=a").then().statusCode(200).extract().jsonPath();
            assertThat(samples.getList("health", String.class)).contains("critical");
            assertThat(samples.getList("gateway_id", String.class)).containsOnly("a");
        }

        // the worker comes back even when an assertion fails, so the later tests still have one
        worker.kill();
        try {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(nodeStatus(WORKER_ID.toString()))
                    .isEqualTo("ERROR"));
        } finally {
            worker = Cluster.worker(51183, WORKER_ID, 1);
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(nodeStatus(WORKER_ID.toString()))
                .isEqualTo("SERVING"));
        worker.close();
        try {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(nodeStatus(WORKER_ID.toString()))
                    .isEqualTo("STOPPED"));
        } finally {
            worker = Cluster.worker(51183, WORKER_ID, 1);
        }
    }

    @Test
    @Order(6)
    void liveEventsHistoryFiltersAndSemanticSearch() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        String run;
        try (var live = LiveStream.open("/v1/events/stream?gateway=a&type=run.succeeded,run.failed",
                Cluster.ADMIN_KEY)) {
            run = Cluster.run(gatewayA, "document-review", "{\"document\": \"Revenue grew this quarter.\"}");
            failedRun = Cluster.run(gatewayA, "step-timeout", "{}");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(live.items().stream()
                    .map(i -> i.path("run_id").asText() + " " + i.path("type").asText()).toList())
                    .contains(run + " run.succeeded", failedRun + " run.failed"));
            // only what the filter admits
            assertThat(live.items()).allMatch(i -> i.path("type").asText().startsWith("run."));
        }

        var byRun = given().get("/v1/events?run_id=" + run).then().statusCode(200).extract().jsonPath();
        assertThat(byRun.getList("type", String.class)).contains("run.started", "step.completed", "run.succeeded");
        assertThat(byRun.getList("workflow", String.class)).containsOnly("document-review");
        assertThat(byRun.getList("gateway_id", String.class)).containsOnly("a");
        var errors = given().get("/v1/events?severity=error&since=" + before).then().statusCode(200).extract()
                .jsonPath();
        assertThat(errors.getList("run_id", String.class)).containsOnly(failedRun);
        given().get("/v1/events?workflow=step-timeout&type=run.failed").then().statusCode(200)
                .body("size()", Matchers.equalTo(1));
        given().get("/v1/events?gateway=b&run_id=" + run).then().statusCode(200)
                .body("size()", Matchers.equalTo(0));
        given().get("/v1/events?until=" + before + "&run_id=" + run).then().statusCode(200)
                .body("size()", Matchers.equalTo(0));
        // pages by id, newest first, with a next link
        var page = given().get("/v1/events?run_id=" + run + "&limit=2").then().statusCode(200)
                .header("Link", Matchers.containsString("before=")).extract().jsonPath();
        long last = page.getLong("[1].id");
        var next = given().get("/v1/events?run_id=" + run + "&limit=2&before=" + last).then().statusCode(200)
                .extract().jsonPath();
        assertThat(next.getLong("[0].id")).isLessThan(last);
        // bad filters are refused
        given().get("/v1/events?severity=loud").then().statusCode(422);
        given().get("/v1/events?since=yesterday").then().statusCode(422);
        given().get("/v1/events?run_id=42").then().statusCode(422);
        given().get("/v1/events/search").then().statusCode(422);

        // by meaning: a timeout is found from words it does not contain; what went wrong is embedded, successes and
        // steps are not (they are found by filters)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var hits = given().get("/v1/events/search?q=the step ran out of time&type=run.succeeded,run.failed&k=3")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(hits.getString("[0].run_id")).isEqualTo(failedRun);
            assertThat(hits.getString("[0].type")).isEqualTo("run.failed");
            assertThat(hits.getDouble("[0].score")).isPositive();
            assertThat(hits.getList("type", String.class)).containsOnly("run.failed");
        });
    }

    @Test
    @Order(7)
    void logsAreStoredStreamedScopedToTheWorkspaceAndTheirAccessAudited() throws Exception {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(given()
                .get("/v1/logs?run_id=" + succeededRun).then().statusCode(200).extract().jsonPath()
                .getList("message", String.class)).anyMatch(m -> m.contains("finished")));
        var logs = given().get("/v1/logs?run_id=" + succeededRun).then().extract().jsonPath();
        assertThat(logs.getList("service", String.class)).contains("forge-worker");
        assertThat(logs.getList("workspace_id", String.class)).containsOnly("default");
        given().get("/v1/logs?service=forge-worker&level=warn&run_id=" + failedRun).then().statusCode(200)
                .body("message[0]", Matchers.containsString("failed"));

        String developer = Cluster.key(gatewayA, "developer", "default");
        String stranger = Cluster.key(gatewayA, "developer", "elsewhere");
        given().spec(as(developer)).get("/v1/logs?run_id=" + succeededRun).then().statusCode(200)
                .body("size()", Matchers.greaterThan(0));
        // another workspace's developer sees none of it, even asking for that workspace
        given().spec(as(stranger)).get("/v1/logs?run_id=" + succeededRun + "&workspace_id=default").then()
                .statusCode(200).body("size()", Matchers.equalTo(0));
        // a developer sees no records without a workspace (the services' own)
        given().spec(as(developer)).get("/v1/logs?service=forge-gateway").then().statusCode(200)
                .body("workspace_id", Matchers.everyItem(Matchers.equalTo("default")));

        try (var live = LiveStream.open("/v1/logs/stream?service=forge-worker&q=starts", developer)) {
            String run = Cluster.run(gatewayA, "document-review", "{\"document\": \"Minutes of a meeting.\"}");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(live.items().stream()
                    .map(i -> i.path("run_id").asText()).toList()).contains(run));
            assertThat(live.items()).allMatch(i -> i.path("message").asText().contains("starts"));
        }

        var audit = given().get("/v1/audit?action=logs.accessed&limit=100").then().statusCode(200).extract()
                .jsonPath();
        assertThat(audit.getList("details.run_id", String.class)).contains(succeededRun);
        assertThat(audit.getList("target", String.class)).contains("history", "live");
        assertThat(audit.getList("findAll { it.actor_role == 'developer' }.details.workspace_id", String.class))
                .contains("default", "elsewhere");
        assertThat(audit.getList("findAll { it.target == 'live' }.details.q", String.class)).contains("starts");
    }

    @Test
    @Order(8)
    void contextOfAFinishedRunIsReconstructedInOneAnswer() {
        var context = given().get("/v1/runs/" + succeededRun + "/context").then().statusCode(200).extract()
                .jsonPath();
        assertThat(context.getString("run.status")).isEqualTo("succeeded");
        assertThat(context.getString("run.flow")).isEqualTo("slow-pipeline");
        assertThat(context.getList("checkpoints.step_index", Integer.class)).isSorted().hasSizeGreaterThanOrEqualTo(3);
        // whole states, not the stored deltas: the last one holds every step's output
        assertThat(context.getMap("checkpoints[-1].state")).isNotEmpty();
        assertThat(context.getList("events.type", String.class)).contains("run.started", "run.succeeded");
        assertThat(context.getList("logs.message", String.class)).anyMatch(m -> m.contains("starts"))
                .anyMatch(m -> m.contains("finished"));
        assertThat(context.getList("trace_ids")).isNotNull();

        String developer = Cluster.key(gatewayA, "developer", "default");
        String stranger = Cluster.key(gatewayA, "developer", "elsewhere");
        given().spec(as(developer)).get("/v1/runs/" + succeededRun + "/context").then().statusCode(200);
        given().spec(as(stranger)).get("/v1/runs/" + succeededRun + "/context").then().statusCode(404);
        given().get("/v1/runs/" + UUID.randomUUID() + "/context").then().statusCode(404);
        given().get("/v1/runs/not-a-uuid/context").then().statusCode(422);
        assertThat(given().get("/v1/audit?action=logs.accessed").then().extract().jsonPath()
                .getList("target", String.class)).contains("run-context");
    }

    @Test
    @Order(9)
    void aRunsTraceGoesFromTheRestCallToTheWorkersLogsAndTheEventsOnRabbitMq() {
        String trace = "0af7651916cd43dd8448eb211c80319c";
        String assistant = Cluster.on(gatewayA).contentType(ContentType.JSON)
                .body("{\"name\": \"traced\", \"flow\": \"document-review\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        String run = Cluster.on(gatewayA).contentType(ContentType.JSON)
                .header("traceparent", "00-" + trace + "-b7ad6b7169203331-01")
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"document\": \"Minutes.\"}}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(Cluster.status(gatewayA, run)));

        // the worker's lines about the run carry the caller's trace id
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(given().get("/v1/logs?trace_id=" + trace)
                .then().statusCode(200).extract().jsonPath().getList("message", String.class))
                .anyMatch(m -> m.contains("starts")).anyMatch(m -> m.contains("finished")));
        // so do its events, as they came over RabbitMQ
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(given().get("/v1/events?run_id=" + run)
                .then().statusCode(200).extract().jsonPath().getList("trace_id", String.class))
                .contains(trace).containsOnly(trace));
        var context = given().get("/v1/runs/" + run + "/context").then().statusCode(200).extract().jsonPath();
        assertThat(context.getString("run.trace_id")).isEqualTo(trace);
        assertThat(context.getList("trace_ids", String.class)).containsExactly(trace);
    }

    @Test
    @Order(10)
    void theRegistryListsServicesEndpointsAndVersionCompatibility() {
        var catalog = given().get("/v1/registry/services").then().statusCode(200).extract().jsonPath();
        assertThat(catalog.getList("services.kind", String.class)).contains("infra-monitor-service",
                "gateway-service", "worker-service");
        var a = "services.find { it.kind == 'gateway-service' && it.id == 'a' }";
        assertThat(catalog.getString(a + ".health")).isEqualTo("connected");
        assertThat(catalog.getList(a + ".endpoints.rest.path", String.class)).contains("/v1/runs");
        assertThat(catalog.getList(a + ".endpoints.grpc.service", String.class)).isNotEmpty();
        assertThat(catalog.getList(a + ".endpoints.grpc[0].methods.name", String.class)).isNotEmpty();
        assertThat(catalog.getList(a + ".capabilities", String.class)).contains("llm");
        assertThat(catalog.getLong(a + ".uptime_seconds")).isGreaterThanOrEqualTo(0);
        var w = "services.find { it.kind == 'worker-service' && it.id == '" + WORKER_ID + "' }";
        assertThat(catalog.getString(w + ".version")).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(catalog.getList(w + ".capabilities", String.class)).contains("llm", "tool");
        assertThat(catalog.getString("services.find { it.id == 'offline' }.health")).isEqualTo("disconnected");

        // with Consul: what only its catalog knows, such as a skill-service instance, and the monitor itself
        given().spec(new RequestSpecBuilder().build()).baseUri("http://127.0.0.1")
                .port(ConsulStandInResource.consul().port()).contentType(ContentType.JSON)
                .body("{\"ID\": \"skill-service-1\", \"Name\": \"skill-service\", \"Address\": \"127.0.0.1\", "
                        + "\"Port\": 52020, \"Tags\": [\"grpc\", \"skills\"], \"Meta\": {\"version\": "
                        + "\"0.1.0-SNAPSHOT\", \"http-port\": \"51020\"}}")
                .put("/v1/agent/service/register").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var withConsul = given().get("/v1/registry/services").then().statusCode(200).extract().jsonPath();
            var skill = "services.find { it.kind == 'skill-service' && it.source == 'consul' }";
            assertThat(withConsul.getString(skill + ".health")).isEqualTo("passing");
            assertThat(withConsul.getString(skill + ".version")).isEqualTo("0.1.0-SNAPSHOT");
            assertThat(withConsul.getInt(skill + ".endpoints.http_port")).isEqualTo(51020);
            assertThat(withConsul.getList(skill + ".capabilities", String.class)).contains("skills");
            assertThat(withConsul.getList("services.findAll { it.source == 'consul' }.kind", String.class))
                    .contains("infra-monitor-service");
        });

        var matrix = given().get("/v1/registry/compatibility").then().statusCode(200).extract().jsonPath();
        assertThat(matrix.getBoolean("matrix.find { it.to == 'skill-service skill-service-1' }.compatible")).isTrue();
        assertThat(matrix.getBoolean("matrix.find { it.to == 'gateway-service a' }.compatible")).isTrue();
        assertThat(matrix.getBoolean("matrix.find { it.from == 'gateway-service a' && it.to == 'worker-service' }"
                + ".compatible")).isTrue();
        assertThat(matrix.getString("matrix.find { it.to == 'gateway-service offline' }.reason"))
                .contains("unknown");

        // the MCP registry of a gateway, viewed through it
        given().get("/v1/mcp/servers?gateway=a").then().statusCode(200).body("size()",
                Matchers.greaterThanOrEqualTo(0));
        given().post("/v1/mcp/servers/" + UUID.randomUUID() + "/test?gateway=a").then().statusCode(404);
        given().get("/v1/mcp/servers").then().statusCode(422);
        given().get("/v1/mcp/servers?gateway=offline").then().statusCode(503);
    }

    @Test
    @Order(11)
    void rolesFollowTheSeed() {
        Map<String, String> keys = Map.of("operator", Cluster.key(gatewayA, "operator", "default"),
                "developer", Cluster.key(gatewayA, "developer", "default"),
                "viewer", Cluster.key(gatewayA, "viewer", "default"));
        // endpoint -> roles admitted besides admin
        Map<String, List<String>> matrix = Map.ofEntries(
                Map.entry("GET /v1/gateways", List.of("operator")),
                Map.entry("POST /v1/gateways/a/test", List.of("operator")),
                Map.entry("GET /v1/deployments?gateway=a", List.of("operator")),
                Map.entry("GET /v1/capacity", List.of("operator")),
                Map.entry("GET /v1/capacity/samples", List.of("operator")),
                Map.entry("GET /v1/events", List.of("operator")),
                Map.entry("GET /v1/logs", List.of("developer")),
                Map.entry("GET /v1/runs/" + succeededRun + "/context", List.of("developer")),
                Map.entry("GET /v1/debug?gateway=a", List.of()),
                Map.entry("GET /v1/registry/services", List.of()),
                Map.entry("GET /v1/mcp/servers?gateway=a", List.of()),
                Map.entry("GET /v1/audit", List.of()));
        matrix.forEach((endpoint, admitted) -> {
            String method = endpoint.substring(0, endpoint.indexOf(' '));
            String path = endpoint.substring(endpoint.indexOf(' ') + 1);
            given().request(method, path).then().statusCode(200);
            keys.forEach((role, key) -> given().spec(as(key)).request(method, path).then()
                    .statusCode(admitted.contains(role) ? 200 : 403));
        });
        given().spec(as(keys.get("operator"))).contentType(ContentType.JSON)
                .body("{\"id\": \"z\", \"url\": \"http://127.0.0.1:1\"}").post("/v1/gateways").then().statusCode(403);
        given().spec(as(keys.get("operator"))).delete("/v1/gateways/a").then().statusCode(403);
        // who am I: every role, never the key
        keys.forEach((role, key) -> given().spec(as(key)).get("/v1/me").then().statusCode(200)
                .body("role", Matchers.equalTo(role))
                .body("workspace_id", Matchers.equalTo("default"))
                .body("default_gateway", Matchers.equalTo("a"))
                .body(Matchers.not(Matchers.containsString(key))));

        // the dashboard's way to a gateway's own API: the caller's key goes along, so the gateway's roles decide
        given().spec(as(keys.get("viewer"))).get("/v1/gateways/a/api/v1/runs/" + succeededRun).then().statusCode(200)
                .body("id", Matchers.equalTo(succeededRun));
        given().spec(as(keys.get("viewer"))).contentType(ContentType.JSON).body("{\"step\": 1}")
                .post("/v1/gateways/a/api/v1/runs/" + succeededRun + "/fork").then().statusCode(403);
        var page = given().spec(as(keys.get("developer"))).get("/v1/gateways/a/api/v1/runs?limit=1").then()
                .statusCode(200).header("Forge-Next-Cursor", Matchers.notNullValue()).extract()
                .jsonPath();
        assertThat(page.getList("id")).hasSize(1);
        // only the run-side API families, and only of a usable gateway
        given().get("/v1/gateways/a/api/v1/api-keys").then().statusCode(404)
                .contentType("application/problem+json").body("type", Matchers.endsWith("/not-forwarded"));
        given().urlEncodingEnabled(false).get("/v1/gateways/a/api/v1/runs/%2e%2e/api-keys").then().statusCode(404)
                .body("type", Matchers.endsWith("/not-forwarded"));
        // an encoded '?' stays part of the path at the gateway (a malformed run id there), not a query
        given().urlEncodingEnabled(false).get("/v1/gateways/a/api/v1/runs/" + succeededRun + "%3Fx=1").then()
                .statusCode(422);
        given().get("/v1/gateways/offline/api/v1/runs").then().statusCode(503);
        given().get("/v1/gateways/nope/api/v1/runs").then().statusCode(404);
        // a flow made and changed through the monitor (the dashboard's editor), its YAML read back
        String flowName = "proxied-" + System.nanoTime() % 100000;
        String yaml = "name: " + flowName + "\nexecutors:\n  - id: only\n    type: llm\n    model: claude-haiku-4-5\n"
                + "    prompt: hi\n";
        given().spec(as(keys.get("developer"))).contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8))
                .post("/v1/gateways/a/api/v1/flows").then().statusCode(201);
        String version = given().spec(as(keys.get("developer"))).contentType("application/yaml")
                .body(yaml.replace("hi", "hello").getBytes(StandardCharsets.UTF_8))
                .put("/v1/gateways/a/api/v1/flows/" + flowName).then().statusCode(200)
                .body("version_number", Matchers.equalTo(2)).extract().path("version");
        given().spec(as(keys.get("viewer"))).get("/v1/gateways/a/api/v1/flows/" + flowName + "/versions/" + version
                + "/source").then().statusCode(200).contentType(Matchers.startsWith("application/yaml"))
                .body(Matchers.containsString("prompt: hello"));

        given().spec(as("not-a-key-at-all-0000")).get("/v1/gateways").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer");
        RestAssured.requestSpecification = null;
        given().get("/v1/gateways").then().statusCode(401);
    }
}
