package dev.forge.worker.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.core.queue.ClaimedJob;
import dev.forge.core.queue.QueueStore;
import dev.forge.worker.service.TestRuns;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Group commit against the real PostgreSQL: concurrent writes of different runs share transactions, each write is
 * still all-or-nothing, a fenced-off write changes nothing, and one write that cannot apply fails only itself.
 */
@QuarkusTest
class GroupCommitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    GroupCommit commits;
    @Inject
    RunStore store;
    @Inject
    QueueStore queue;
    @Inject
    TestRuns runs;
    @Inject
    MeterRegistry registry;

    @BeforeEach
    void clean() {
        runs.reset();
    }

    @Test
    void concurrentWritesShareCommitsAndOneBadWriteFailsOnlyItself() {
        int count = 40;
        for (int i = 0; i < count; i++) {
            runs.run(runs.session("support-triage"), "{\"n\": " + i + "}");
        }
        UUID worker = UUID.randomUUID();
        List<ClaimedJob> jobs = queue.claim(worker, count, Duration.ofSeconds(30)).await().atMost(WAIT);
        assertThat(jobs).hasSize(count);
        double batchesBefore = batches();

        ClaimedJob bad = jobs.get(count / 2);
        ClaimedJob stale = jobs.get(count - 1);
        var answers = new ArrayList<Uni<Object>>();
        for (var job : jobs) {
            var run = store.load(job.runId()).await().atMost(WAIT).orElseThrow();
            var state = JsonNodeFactory.instance.objectNode().put("n", job.jobId());
            var write = JobWrite.of(job == stale ? new ClaimedJob(job.jobId(), job.runId(), job.sessionId(),
                    job.epoch() + 1, job.attempt(), job.maxAttempts()) : job, worker, run)
                    .checkpoint(0, state, false, Map.of("kind", "start"))
                    .running(job.attempt())
                    .session("busy")
                    .events(List.of(new JobWrite.Event("run.started", "info", Map.of("n", job.jobId()))));
            if (job == bad) {
                write.signals("wait", List.of(), -1L); // consumes a signal that does not exist: the write must fail
            }
            answers.add(commits.submit(write.build()).onItemOrFailure()
                    .transform((held, failure) -> failure != null ? failure : held));
        }
        List<Object> outcomes = Uni.join().all(answers).andFailFast().await().atMost(WAIT);

        for (int i = 0; i < count; i++) {
            var job = jobs.get(i);
            Object outcome = outcomes.get(i);
            long checkpoints = runs.count("SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1", job.runId());
            long events = runs.count("SELECT count(*) FROM events WHERE run_id = $1", job.runId());
            String status = runs.status(job.runId());
            if (job == bad) {
                assertThat(outcome).isInstanceOf(IllegalStateException.class);
            } else if (job == stale) {
                assertThat(outcome).as("fenced off").isEqualTo(false);
            } else {
                assertThat(outcome).isEqualTo(true);
            }
            boolean applied = job != bad && job != stale;
            assertThat(checkpoints).as("checkpoint of job %d", job.jobId()).isEqualTo(applied ? 1 : 0);
            assertThat(events).as("events of job %d", job.jobId()).isEqualTo(applied ? 1 : 0);
            assertThat(status).isEqualTo(applied ? "running" : "pending");
        }
        // forty submissions in a burst went out in fewer transactions than writes
        assertThat(batches() - batchesBefore).isLessThan(count);
        assertThat(registry.find("forge.worker.commit.batch").summary().max()).isGreaterThan(1);
    }

    private double batches() {
        var summary = registry.find("forge.worker.commit.batch").summary();
        return summary == null ? 0 : summary.count();
    }

    @Test
    void aWriteTheServerRefusesRollsItsBatchBackAndFailsOnlyItself() {
        int count = 8;
        for (int i = 0; i < count; i++) {
            runs.run(runs.session("support-triage"), "{}");
        }
        UUID worker = UUID.randomUUID();
        List<ClaimedJob> jobs = queue.claim(worker, count, Duration.ofSeconds(30)).await().atMost(WAIT);
        // the first two go out alone (one per flusher); the rest, the refused one last, queue into one batch that
        // the server's refusal (an event's severity breaks its CHECK) rolls back; each is then applied alone
        ClaimedJob refused = jobs.get(count - 1);
        var answers = new ArrayList<Uni<Object>>();
        for (var job : jobs) {
            var run = store.load(job.runId()).await().atMost(WAIT).orElseThrow();
            var write = JobWrite.of(job, worker, run).checkpoint(0, JsonNodeFactory.instance.objectNode(), false,
                    Map.of("kind", "start")).running(job.attempt()).session("busy")
                    .events(List.of(new JobWrite.Event("run.started", job == refused ? "loud" : "info", Map.of())));
            answers.add(commits.submit(write.build()).onItemOrFailure()
                    .transform((held, failure) -> failure != null ? failure : held));
        }
        List<Object> outcomes = Uni.join().all(answers).andFailFast().await().atMost(WAIT);

        for (int i = 0; i < count; i++) {
            var job = jobs.get(i);
            boolean applied = job != refused;
            if (applied) {
                assertThat(outcomes.get(i)).isEqualTo(true);
            } else {
                assertThat(outcomes.get(i)).isInstanceOf(Throwable.class).asString().contains("severity");
            }
            assertThat(runs.count("SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1", job.runId()))
                    .isEqualTo(applied ? 1 : 0);
            assertThat(runs.count("SELECT count(*) FROM events WHERE run_id = $1", job.runId()))
                    .isEqualTo(applied ? 1 : 0);
            assertThat(runs.status(job.runId())).isEqualTo(applied ? "running" : "pending");
        }
        // no connection went back to the pool inside the aborted transaction: later writes commit
        var run = store.load(refused.runId()).await().atMost(WAIT).orElseThrow();
        for (int i = 1; i <= 3; i++) {
            var again = JobWrite.of(refused, worker, run).checkpoint(i, JsonNodeFactory.instance.objectNode(), false,
                    Map.of("kind", "step")).build();
            assertThat(commits.submit(again).await().atMost(WAIT)).isTrue();
        }
        assertThat(runs.count("SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1", refused.runId()))
                .isEqualTo(3);
    }

    @Test
    void finishingAnAlreadyTerminalRunChangesNeitherItsSessionNorItsEvents() {
        UUID session = runs.session("support-triage");
        UUID runId = runs.run(session, "{}");
        UUID worker = UUID.randomUUID();
        var job = queue.claim(worker, 1, Duration.ofSeconds(30)).await().atMost(WAIT).get(0);
        var run = store.load(runId).await().atMost(WAIT).orElseThrow();
        runs.pool().preparedQuery("UPDATE runs SET status = 'cancelled' WHERE id = $1")
                .execute(Tuple.of(runId)).await().atMost(WAIT);

        boolean held = store.finish(job, worker, run, "succeeded", JsonNodeFactory.instance.objectNode(), null)
                .await().atMost(WAIT);

        assertThat(held).isTrue();
        assertThat(runs.status(runId)).isEqualTo("cancelled");
        assertThat(runs.count("SELECT count(*) FROM events WHERE run_id = $1", runId)).isZero();
        assertThat(runs.one("SELECT status FROM sessions WHERE id = $1", session).getString(0)).isEqualTo("idle");
        assertThat(runs.count("SELECT count(*) FROM jobs")).as("the job still leaves the queue").isZero();
    }
}
