package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.core.messaging.Exchanges;
import dev.forge.core.messaging.OutboxRelay;
import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The bus heals without a restart and says when it cannot (issue 19): a memory alarm longer than the confirm
 * timeout, a nacked batch, the events exchange deleted. Each ends with nothing unpublished and every event at an
 * outside consumer; readiness goes DOWN while the backlog is older than the threshold and UP again after.
 */
@QuarkusTest
@TestProfile(BusHealingTest.ShortTimeouts.class)
class BusHealingTest {

    /** A 1 s confirm timeout and a 3 s lag threshold, so the test is about seconds, not minutes. */
    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("forge.rabbitmq.confirm-timeout", "1s", "forge.rabbitmq.outbox-lag-threshold", "3s",
                    "forge.rabbitmq.outbox-lag-interval", "250ms");
        }
    }

    @Inject
    Pool pool;

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    private long unpublished() {
        return pool.query("SELECT count(*) FROM " + OutboxRelay.UNPUBLISHED).execute().await()
                .atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    private List<Long> eventIds(List<String> runs) {
        var ids = new ArrayList<Long>();
        for (String run : runs) {
            pool.preparedQuery("SELECT id FROM events WHERE run_id = $1 ORDER BY id")
                    .execute(Tuple.of(UUID.fromString(run))).await().atMost(Duration.ofSeconds(5))
                    .forEach(r -> ids.add(r.getLong(0)));
        }
        return ids;
    }

    private static int readiness() {
        return given().get("/q/health/ready").then().extract().statusCode();
    }

    private static String run(String flow) {
        String assistant = given().contentType(ContentType.JSON).body("{\"name\": \"bus\", \"flow\": \"" + flow
                + "\"}").post("/v1/assistants").then().statusCode(201).extract().path("id");
        return given().contentType(ContentType.JSON).body("{\"assistant_id\": \"" + assistant
                + "\", \"input\": {\"document\": \"a contract\"}}").post("/v1/runs").then().statusCode(202).extract()
                .path("id");
    }

    private static void succeeded(List<String> runs) {
        await().atMost(Duration.ofSeconds(60)).until(() -> runs.stream().allMatch(r -> "succeeded".equals(given()
                .get("/v1/runs/" + r).then().extract().path("status"))));
    }

    /** Nothing unpublished, every event of the runs at the outside consumer, readiness UP. */
    private void healed(EventObserver observer, List<String> runs) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(unpublished()).isZero();
            assertThat(observer.ids).containsAll(eventIds(runs));
            assertThat(readiness()).as(() -> given().get("/q/health/ready").asString()).isEqualTo(200);
        });
    }

    @Test
    void aMemoryAlarmLongerThanTheConfirmTimeoutHealsAndReadinessSaysSoMeanwhile() throws Exception {
        try (var observer = new EventObserver()) {
            try (var worker = WorkerProcess.start(51187)) {
                var before = List.of(run("document-review"));
                succeeded(before);
                healed(observer, before);
                var during = new ArrayList<String>();
                EventObserver.rabbitctl("set_vm_memory_high_watermark", "0.000001");
                try {
                    for (int i = 0; i < 3; i++) {
                        during.add(run("document-review"));
                    }
                    // runs go on (PostgreSQL is the truth), their events wait; past 3 s readiness says so
                    succeeded(during);
                    await().atMost(Duration.ofSeconds(30)).until(() -> readiness() == 503);
                    var health = given().get("/q/health/ready").then().extract().jsonPath();
                    assertThat(health.getString("checks.find { it.name == 'outbox' }.status")).isEqualTo("DOWN");
                    assertThat(health.getLong("checks.find { it.name == 'outbox' }.data.unpublished"))
                            .isPositive();
                    // what infra-monitor shows for this gateway
                    var debug = given().get("/v1/monitor/debug").then().statusCode(200).extract().jsonPath();
                    assertThat(debug.getBoolean("outbox.behind")).isTrue();
                    assertThat(debug.getLong("outbox.oldest_age_ms")).isGreaterThan(3000);
                } finally {
                    EventObserver.rabbitctl("set_vm_memory_high_watermark", "0.4");
                }
                healed(observer, during);
            }
            // with the worker gone this gateway's relay is the only one: its own channel must have healed
            String alone = run("support-triage");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(unpublished()).isZero();
                assertThat(observer.ids).containsAll(eventIds(List.of(alone)));
            });
        }
    }

    @Test
    void aNackedBatchIsPublishedAgainOnceTheBrokerTakesIt() throws Exception {
        try (var observer = new EventObserver()) {
            // a full queue that refuses more: the broker nacks every publish routed to it
            String full = "forge-test-full-" + UUID.randomUUID();
            observer.bus.declareQueue(full, new JsonObject().put("x-max-length", 0)
                    .put("x-overflow", "reject-publish"));
            observer.bus.bind(full, Exchanges.EVENTS, "#");
            var runs = List.of(run("document-review"));
            try {
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> unpublished() > 0);
            } finally {
                observer.bus.deleteQueue(full);
            }
            // nothing confirmed went out twice to the observer's queue, which took every copy: all arrive
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(unpublished()).isZero();
                assertThat(observer.ids).containsAll(eventIds(runs));
            });
        }
    }

    @Test
    void theEventsExchangeDeletedWhileRunningIsDeclaredAndBoundAgain() throws Exception {
        try (var observer = new EventObserver(); var worker = WorkerProcess.start(51188)) {
            observer.bus.deleteExchange(Exchanges.EVENTS);
            var runs = List.of(run("document-review"));
            succeeded(runs);
            // the relays declare the exchange again; the observer binds its queue again as any consumer must
            await().atMost(Duration.ofSeconds(30)).until(() -> unpublished() == 0);
            observer.connect();
            var later = List.of(run("support-triage"));
            succeeded(later);
            healed(observer, later);
            // the gateway's own fan-out queue is bound again too (checked every few seconds)
            await().atMost(Duration.ofSeconds(30)).until(() -> EventObserver.rabbitctl("list_bindings",
                    "source_name", "destination_name").lines().anyMatch(l -> l.startsWith(Exchanges.EVENTS + "\t")
                            && l.contains("forge-gateway-")));
        }
    }

    @Test
    void theFanOutQueueDeletedIsDeclaredAndConsumedAgain() throws Exception {
        String queue = ConfigProvider.getConfig()
                .getValue("mp.messaging.incoming.forge-events-in.queue.name", String.class);
        try (var observer = new EventObserver(); var worker = WorkerProcess.start(51189)) {
            observer.bus.deleteQueue(queue);
            // the broker cancels the consumer; the gateway subscribes again, the connector declares queue and binding
            await().atMost(Duration.ofSeconds(30)).until(() -> EventObserver.rabbitctl("list_consumers",
                    "queue_name").lines().anyMatch(l -> l.strip().equals(queue)));
            await().atMost(Duration.ofSeconds(30)).until(() -> EventObserver.rabbitctl("list_bindings",
                    "source_name", "destination_name").lines().anyMatch(l -> l.equals(Exchanges.EVENTS + "\t"
                            + queue)));
            var runs = List.of(run("document-review"));
            succeeded(runs);
            healed(observer, runs);
        }
    }
}
