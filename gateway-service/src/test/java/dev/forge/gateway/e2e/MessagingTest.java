package dev.forge.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.core.messaging.OutboxRelay;
import dev.forge.gateway.SseClient;
import dev.forge.gateway.SseClientTestPredicates;
import dev.forge.gateway.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The RabbitMQ side: events reach any consumer after commit; the outbox survives the broker being down. */
@QuarkusTest
class MessagingTest {

    @Inject
    Pool pool;

    @BeforeEach
    void auth() {
        TestAuth.actAsAdmin();
    }

    private List<Long> eventIds(String run) {
        var rows = pool.preparedQuery("SELECT id FROM events WHERE run_id = $1 ORDER BY id")
                .execute(Tuple.of(UUID.fromString(run))).await().atMost(Duration.ofSeconds(5));
        var ids = new ArrayList<Long>();
        rows.forEach(r -> ids.add(r.getLong(0)));
        return ids;
    }

    private static String run(String flow, String input) {
        String assistant = given().contentType(ContentType.JSON).body("{\"name\": \"m\", \"flow\": \"" + flow + "\"}")
                .post("/v1/assistants").then().statusCode(201).extract().path("id");
        return given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": " + input + "}")
                .post("/v1/runs").then().statusCode(202).extract().path("id");
    }

    @Test
    void eventsOfARunExecutedByAWorkerReachAnotherConsumer() throws Exception {
        try (var observer = new EventObserver(); var worker = WorkerProcess.start(51181)) {
            String run = run("document-review", "{\"document\": \"a contract\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/v1/runs/" + run).then().extract()
                    .path("status").equals("succeeded"));
            var expected = eventIds(run);
            await().atMost(Duration.ofSeconds(10)).until(() -> observer.ids.containsAll(expected));
            assertThat(expected.stream().map(observer.types::get).toList())
                    .contains("run.created", "run.started", "step.completed", "message", "run.succeeded");
            // and each was published only after it was committed: the relay's cursor has passed them
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.preparedQuery("SELECT count(*) FROM "
                    + OutboxRelay.UNPUBLISHED + " AND e.run_id = $1").execute(Tuple.of(UUID.fromString(run)))
                    .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0) == 0);
        }
    }

    @Test
    void withTheBrokerDownMidRunNothingIsLostAndTheRelayCatchesUp() throws Exception {
        try (var observer = new EventObserver(); var worker = WorkerProcess.start(51182)) {
            // five seconds of waiting after the first step: the broker is surely down before the run ends
            String run = run("slow-tail", "{}");
            String key = TestAuth.ADMIN_KEY;
            // a client following the run drops after the first step
            var first = SseClient.get("/v1/runs/" + run + "/stream", key, null,
                    e -> e.name().equals("step.completed"));
            EventObserver.rabbitctl("stop_app");
            try {
                // the run goes on without the broker; its events pile up in the outbox
                await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/v1/runs/" + run).then().extract()
                        .path("status").equals("succeeded"));
                assertThat(pool.preparedQuery("SELECT count(*) FROM " + OutboxRelay.UNPUBLISHED + " AND e.run_id = $1")
                        .execute(Tuple.of(UUID.fromString(run))).await().atMost(Duration.ofSeconds(5))
                        .iterator().next().getLong(0)).isPositive();
            } finally {
                EventObserver.rabbitctl("start_app");
                EventObserver.rabbitctl("await_startup", "--timeout", "60");
            }
            // the client resumes with Last-Event-ID: the rest, nothing missing, nothing twice
            String lastSeen = first.ids().get(first.ids().size() - 1);
            var rest = SseClient.get("/v1/runs/" + run + "/stream", key, lastSeen, SseClientTestPredicates.END);
            var stitched = new ArrayList<>(first.ids());
            stitched.addAll(rest.ids());
            assertThat(stitched.stream().map(Long::parseLong).toList()).isEqualTo(eventIds(run));

            // the relay publishes everything it could not while the broker was down
            observer.connect();
            var expected = eventIds(run);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(observer.ids)
                    .as(() -> "unpublished: " + pool.query("SELECT string_agg(e.id::text, ',') FROM "
                            + OutboxRelay.UNPUBLISHED).execute().await().atMost(Duration.ofSeconds(5)).iterator()
                            .next().getString(0))
                    .containsAll(expected));
            // the relay marks a batch published once the broker confirmed it, a moment after consumers may see it
            await().atMost(Duration.ofSeconds(10)).until(() -> unpublished() == 0);

            // and the services are back on the broker: a new run's events arrive live
            String after = run("support-triage", "{}");
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/v1/runs/" + after).then().extract()
                    .path("status").equals("succeeded"));
            await().atMost(Duration.ofSeconds(10)).until(() -> observer.ids.containsAll(eventIds(after)));
        }
    }

    private long unpublished() {
        return pool.query("SELECT count(*) FROM " + OutboxRelay.UNPUBLISHED).execute().await()
                .atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    /**
     * The relay reads behind a cursor: an event whose transaction began first but commits last (its id is lower than
     * events already published) still goes out, and an event rolled back never does.
     */
    @Test
    void anEventCommittedAfterLaterOnesIsPublishedAndARolledBackOneIsNot() throws Exception {
        String insert = "INSERT INTO events (type, source, payload) VALUES ($1, 'test', '{}') RETURNING id";
        try (var observer = new EventObserver()) {
            var slow = pool.getConnection().await().atMost(Duration.ofSeconds(5));
            var rolledBack = pool.getConnection().await().atMost(Duration.ofSeconds(5));
            try {
                var slowTx = slow.begin().await().atMost(Duration.ofSeconds(5));
                long early = slow.preparedQuery(insert).execute(Tuple.of("test.early")).await()
                        .atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
                var abandonedTx = rolledBack.begin().await().atMost(Duration.ofSeconds(5));
                long abandoned = rolledBack.preparedQuery(insert).execute(Tuple.of("test.abandoned")).await()
                        .atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
                long later = pool.preparedQuery(insert).execute(Tuple.of("test.later")).await()
                        .atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
                assertThat(later).isGreaterThan(early);

                abandonedTx.rollback().await().atMost(Duration.ofSeconds(5));
                // relay rounds go by while the slow transaction is open: the later event waits behind it
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> !observer.ids.contains(later));
                slowTx.commit().await().atMost(Duration.ofSeconds(5));

                await().atMost(Duration.ofSeconds(10)).until(() -> observer.ids.containsAll(List.of(early, later)));
                // the rolled-back event sorts before the later one: had it gone out, it would have arrived first
                assertThat(observer.ids).doesNotContain(abandoned);
                // marked published once the broker confirmed it, a moment after the observer may see it
                await().atMost(Duration.ofSeconds(10)).until(() -> unpublished() == 0);
            } finally {
                slow.close().await().atMost(Duration.ofSeconds(5));
                rolledBack.close().await().atMost(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void anAgentMessagesAnotherSessionsRunOnAnotherWorker() throws Exception {
        var oneSlot = List.of("-Dforge.worker.slots=1");
        try (var waiterWorker = WorkerProcess.start(51183, oneSlot)) {
            String waiter = run("handoff-waiter", "{}");
            String waiterSession = given().get("/v1/runs/" + waiter).then().extract().path("session_id");
            await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/v1/runs/" + waiter).then().extract()
                    .path("status").equals("running"));
            // the first worker's only slot is busy waiting: the notifier runs on the second worker
            try (var notifierWorker = WorkerProcess.start(51184, oneSlot)) {
                String notifier = run("handoff-notifier", "{\"peer_session\": \"" + waiterSession
                        + "\", \"note\": \"the build is green\"}");
                await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/v1/runs/" + notifier).then()
                        .extract().path("status").equals("succeeded"));
                long sentAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/v1/runs/" + waiter).then()
                        .extract().path("status").equals("succeeded"));
                long tookMs = (System.nanoTime() - sentAt) / 1_000_000;

                var waiterCheckpoints = given().get("/v1/runs/" + waiter + "/checkpoints").then().extract().jsonPath();
                assertThat(waiterCheckpoints.getString("[1].metadata.worker"))
                        .isEqualTo(waiterWorker.workerId().toString());
                assertThat(waiterCheckpoints.getString("[1].state.outputs.wait_for_peer.message.note"))
                        .isEqualTo("the build is green");
                assertThat(waiterCheckpoints.getString("[1].state.outputs.wait_for_peer.from_run"))
                        .isEqualTo(notifier);
                assertThat(given().get("/v1/runs/" + notifier + "/checkpoints").then().extract().jsonPath()
                        .getString("[1].metadata.worker")).isEqualTo(notifierWorker.workerId().toString());
                assertThat(tookMs).as("woken through the control exchange, not a poll").isLessThan(2_000);
                // delivered exactly once
                assertThat(pool.query("SELECT count(*) FROM run_signals WHERE consumed_at IS NULL").execute()
                        .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0)).isZero();
            }
        }
    }
}
