package dev.forge.worker.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.core.queue.ClaimedJob;
import dev.forge.core.queue.QueueStore;
import dev.forge.worker.client.StepCache;
import dev.forge.worker.repository.WorkerStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Queue and worker behaviour against the real PostgreSQL, with several worker engines in one process: they share
 * nothing but the database, exactly like worker replicas.
 */
@QuarkusTest
class WorkerEngineTest {

    private static final Duration LONG = Duration.ofHours(1);

    @Inject
    WorkerLifecycle lifecycle;
    @Inject
    TestRuns runs;
    @Inject
    QueueStore queue;
    @Inject
    WorkerStore workers;
    @Inject
    StepCache cache;
    @Inject
    RedisDataSource redis;

    private final TestEngines engines = new TestEngines();

    @BeforeEach
    void clean() {
        runs.reset();
    }

    @AfterEach
    void stopEngines() {
        engines.stopAll();
    }

    private WorkerEngine start(WorkerEngine engine) {
        return engines.start(engine);
    }

    private WorkerEngine start(int slots) {
        return start(lifecycle.newEngine(UUID.randomUUID(), slots));
    }

    @Test
    void twoHundredRunsOverFourSlotsEachEndExactlyOnce() {
        start(4);
        var session = new ArrayList<UUID>();
        for (int i = 0; i < 200; i++) {
            // a session per run: nothing serialises them but the four slots
            session.add(runs.run(runs.session("support-triage"), "{\"ticket\": \"printer " + i + " is on fire\"}"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> runs.count(
                "SELECT count(*) FROM runs WHERE status IN ('succeeded', 'failed', 'cancelled', 'timed_out')") == 200);

        assertThat(runs.count("SELECT count(*) FROM runs WHERE status = 'succeeded'")).isEqualTo(200);
        // one terminal event per run, no run finished twice
        assertThat(runs.count("SELECT count(*) FROM events WHERE type LIKE 'run.%' AND type NOT IN "
                + "('run.started', 'run.recovered', 'run.created')")).isEqualTo(200);
        assertThat(runs.count("SELECT count(*) FROM (SELECT run_id FROM events WHERE type = 'run.succeeded' "
                + "GROUP BY run_id HAVING count(*) > 1) d")).isZero();
        // each run: its start checkpoint plus one per executor, no step written twice
        assertThat(runs.count("SELECT count(*) FROM workflow_checkpoints")).isEqualTo(200 * 4);
        assertThat(runs.count("SELECT count(*) FROM jobs")).as("finished jobs leave the queue").isZero();
        assertThat(runs.json("SELECT output::text FROM runs WHERE id = $1", session.get(7)).asText())
                .contains("We're on it");
        // the worker never had more than its 4 slots busy
        assertThat(runs.count("SELECT max(slots_used) FROM workers")).isLessThanOrEqualTo(4);
    }

    @Test
    void oneSessionNeverRunsTwoRunsAtOnceAndKeepsOrder() {
        for (int w = 0; w < 3; w++) {
            start(4);
        }
        var bySession = new LinkedHashMap<UUID, List<UUID>>();
        for (int s = 0; s < 5; s++) {
            var session = runs.session("document-review");
            var list = new ArrayList<UUID>();
            for (int r = 0; r < 8; r++) {
                list.add(runs.run(session, "{\"document\": \"contract " + r + " with liability clauses\"}"));
            }
            bySession.put(session, list);
        }
        // another session's runs keep flowing meanwhile
        var other = runs.run(runs.session("support-triage"), "{\"ticket\": \"x\"}");

        await().atMost(Duration.ofSeconds(60)).until(() -> runs.count(
                "SELECT count(*) FROM runs WHERE status = 'succeeded'") == 41);
        assertThat(runs.status(other)).isEqualTo("succeeded");
        for (var entry : bySession.entrySet()) {
            OffsetDateTime previousEnd = null;
            for (UUID run : entry.getValue()) {
                var row = runs.one("SELECT started_at, finished_at FROM runs WHERE id = $1", run);
                var started = row.getOffsetDateTime(0);
                if (previousEnd != null) {
                    assertThat(started).as("run %s of session %s started before the previous one ended", run,
                            entry.getKey()).isAfterOrEqualTo(previousEnd);
                }
                previousEnd = row.getOffsetDateTime(1);
            }
        }
    }

    @Test
    void aWorkerThatLosesItsLeaseIsFencedOffAndTheRunCompletesElsewhere() {
        var staleCounts = new CountingProvider();
        var freshCounts = new CountingProvider();
        // the stale worker never heartbeats or reaps in this test: it stalls like a paused process
        var staleSettings = new WorkerSettings(1, Duration.ofSeconds(3), LONG, Duration.ofMillis(100), LONG, 3);
        var stale = start(lifecycle.newEngine(UUID.randomUUID(), staleSettings, staleCounts.router()));
        UUID run = runs.run(runs.session("slow-pipeline"), "{\"doc\": \"d\"}");

        // the stale worker finished 'fetch' and is inside the slow step
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.count(
                "SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1 AND step_index = 1", run) == 1);
        // the committed step is also in the Redis step cache, which the takeover reads first
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.value(String.class)
                .get("forge:step:" + run + ":1") != null);
        double hitsBefore = cache.hits();
        runs.pool().preparedQuery("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE run_id = $1")
                .execute(Tuple.of(run)).await().atMost(Duration.ofSeconds(5));
        var fresh = start(lifecycle.newEngine(UUID.randomUUID(), lifecycle.settings(1), freshCounts.router()));

        await().atMost(Duration.ofSeconds(20)).until(() -> runs.status(run).equals("succeeded"));
        assertThat(cache.hits()).as("the resume read the cached state").isGreaterThan(hitsBefore);
        // let the stale worker's slow step finish and try (and fail) to write
        await().atMost(Duration.ofSeconds(10)).until(() -> stale.slotsUsed() == 0);

        var trace = runs.latestState(run).get("trace");
        assertThat(trace.toString()).isEqualTo("[\"fetch\",\"slow_step\",\"finish\"]");
        assertThat(runs.all("SELECT metadata->>'worker' FROM workflow_checkpoints WHERE run_id = $1 "
                + "AND step_index >= 2 ORDER BY step_index", run)).allSatisfy(
                        r -> assertThat(r.getString(0)).isEqualTo(fresh.id().toString()));
        // the finished step ran once; only the step in flight at the takeover ran twice (at-least-once)
        assertThat(staleCounts.calls("fetch") + freshCounts.calls("fetch")).isEqualTo(1);
        assertThat(staleCounts.calls("slow_step")).isEqualTo(1);
        assertThat(freshCounts.calls("slow_step")).isEqualTo(1);
        assertThat(staleCounts.calls("finish") + freshCounts.calls("finish")).isEqualTo(1);
        assertThat(runs.count("SELECT count(*) FROM events WHERE run_id = $1 AND type = 'run.succeeded'", run))
                .isEqualTo(1);
        assertThat(runs.count("SELECT count(*) FROM events WHERE run_id = $1 AND type = 'run.recovered'", run))
                .isEqualTo(1);
        assertThat(runs.one("SELECT attempt FROM runs WHERE id = $1", run).getInteger(0)).isEqualTo(2);
    }

    @Test
    void reaperFailsTheRunOnceAttemptsAreUsedUp() {
        UUID run = runs.run(runs.session("support-triage"), "{}");
        // a worker claimed it three times and vanished each time
        runs.pool().query("UPDATE jobs SET locked_by = gen_random_uuid(), attempt = 3, lease_epoch = 3, "
                + "lease_expires_at = now() - interval '1 second'").execute().await().atMost(Duration.ofSeconds(5));
        var reaped = queue.reapExpired().await().atMost(Duration.ofSeconds(5));
        assertThat(reaped).hasSize(1);
        assertThat(reaped.get(0).runFailed()).isTrue();
        assertThat(runs.status(run)).isEqualTo("failed");
        assertThat(runs.json("SELECT error::text FROM runs WHERE id = $1", run).get("type").asText())
                .isEqualTo("lease_expired");
        assertThat(runs.count("SELECT count(*) FROM jobs")).isZero();
    }

    @Test
    void heartbeatDoesNotWaitForAStepCommitThatHoldsItsJob() {
        runs.run(runs.session("support-triage"), "{}");
        runs.run(runs.session("support-triage"), "{}");
        UUID worker = UUID.randomUUID();
        var claimed = queue.claim(worker, 2, Duration.ofSeconds(30)).await().atMost(Duration.ofSeconds(5));
        assertThat(claimed).hasSize(2);
        var busy = claimed.get(0);
        var stale = new ClaimedJob(claimed.get(1).jobId(), claimed.get(1).runId(),
                claimed.get(1).sessionId(), claimed.get(1).epoch() - 1, 1, 3);
        var expiresBefore = runs.one("SELECT lease_expires_at FROM jobs WHERE id = $1", busy.jobId())
                .getOffsetDateTime(0);

        // a step commit is inside its transaction, holding the fence lock on the first job
        var inCommit = runs.pool().getConnection().await().atMost(Duration.ofSeconds(5));
        try {
            inCommit.query("BEGIN").execute().await().atMost(Duration.ofSeconds(5));
            assertThat(queue.fence(inCommit, List.of(new QueueStore.Held(busy, worker)))
                    .await().atMost(Duration.ofSeconds(5))).containsExactly(busy.jobId());

            long started = System.nanoTime();
            var held = queue.heartbeat(worker, List.of(busy, stale), Duration.ofSeconds(60))
                    .await().atMost(Duration.ofSeconds(5));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            // the locked job is still ours (extended on a later beat); the one with an old epoch is not
            assertThat(held).containsExactly(busy.jobId());
        } finally {
            inCommit.query("ROLLBACK").execute().await().atMost(Duration.ofSeconds(5));
            inCommit.close().await().atMost(Duration.ofSeconds(5));
        }
        assertThat(runs.one("SELECT lease_expires_at FROM jobs WHERE id = $1", busy.jobId()).getOffsetDateTime(0))
                .as("skipped, not extended, while locked").isEqualTo(expiresBefore);
        queue.heartbeat(worker, List.of(busy), Duration.ofSeconds(60)).await().atMost(Duration.ofSeconds(5));
        assertThat(runs.one("SELECT lease_expires_at FROM jobs WHERE id = $1", busy.jobId()).getOffsetDateTime(0))
                .isAfter(expiresBefore.plusSeconds(20));
    }

    @Test
    void gracefulShutdownHandsUnfinishedWorkBackAndDeregisters() {
        var leaving = start(1);
        UUID run = runs.run(runs.session("slow-pipeline"), "{\"doc\": \"d\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.count(
                "SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1 AND step_index = 1", run) == 1);

        leaving.stop(Duration.ofMillis(100)).await().atMost(Duration.ofSeconds(10));
        engines.remove(leaving);

        var job = runs.one("SELECT locked_by, attempt FROM jobs WHERE run_id = $1", run);
        assertThat(job.getUUID(0)).as("back in the queue").isNull();
        assertThat(job.getInteger(1)).as("a returned run keeps its attempts").isZero();
        assertThat(runs.count("SELECT count(*) FROM workers WHERE id = $1 AND status = 'stopped' AND slots_used = 0",
                leaving.id())).isEqualTo(1);
        // a heartbeat that was in flight when the worker deregistered lands after it without reviving the row
        workers.heartbeat(leaving.id(), 1, "draining").await().atMost(Duration.ofSeconds(5));
        assertThat(runs.count("SELECT count(*) FROM workers WHERE id = $1 AND status = 'stopped' AND slots_used = 0",
                leaving.id())).isEqualTo(1);
        assertThat(runs.status(run)).isEqualTo("running");

        start(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> runs.status(run).equals("succeeded"));
        assertThat(runs.count("SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1", run)).isEqualTo(4);
    }

    @Test
    void gracefulShutdownLetsInFlightRunsFinishWithinTheGrace() {
        var leaving = start(2);
        UUID run = runs.run(runs.session("slow-pipeline"), "{}");
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.status(run).equals("running"));
        leaving.stop(Duration.ofSeconds(15)).await().atMost(Duration.ofSeconds(20));
        engines.remove(leaving);
        assertThat(runs.status(run)).isEqualTo("succeeded");
        assertThat(runs.count("SELECT count(*) FROM jobs")).isZero();
    }

    private static void shell(String... command) throws Exception {
        var p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }

    @Test
    void withRedisStoppedRunsStillSucceedAndResumeFromPostgres() throws Exception {
        shell("redis-cli", "-h", "127.0.0.1", "shutdown", "nosave");
        try {
            double errorsBefore = cache.errors();
            start(2);
            var created = new ArrayList<UUID>();
            for (int i = 0; i < 3; i++) {
                created.add(runs.run(runs.session("document-review"), "{\"document\": \"revenue report " + i
                        + "\"}"));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> created.stream().allMatch(r -> runs.status(r)
                    .equals("succeeded")));
            // a takeover without Redis: the state comes from PostgreSQL
            var staleSettings = new WorkerSettings(1, Duration.ofSeconds(3), LONG, Duration.ofMillis(100), LONG, 3);
            start(lifecycle.newEngine(UUID.randomUUID(), staleSettings, new CountingProvider().router()));
            engines.stop(engines.get(0));
            UUID slow = runs.run(runs.session("slow-pipeline"), "{}");
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.count(
                    "SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1 AND step_index = 1", slow) == 1);
            runs.pool().preparedQuery("UPDATE jobs SET lease_expires_at = now() - interval '1 second' "
                    + "WHERE run_id = $1").execute(Tuple.of(slow))
                    .await().atMost(Duration.ofSeconds(5));
            start(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> runs.status(slow).equals("succeeded"));
            assertThat(cache.errors()).as("cache failures are counted, not thrown").isGreaterThan(errorsBefore);
        } finally {
            shell("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "",
                    "--appendonly", "no");
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                var p = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "ping").start();
                return new String(p.getInputStream().readAllBytes()).trim().equals("PONG");
            });
        }
    }
}
