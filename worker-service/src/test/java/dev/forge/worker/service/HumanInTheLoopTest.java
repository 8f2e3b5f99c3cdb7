package dev.forge.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A run stops for a person — a human executor's question, an executor's interrupt flags, or the run's own interrupt
 * lists — parks its job (no lease, no slot), and goes on when answered: with the value, a state edit, a goto, or on
 * the question's timeout. The gateway's resume is done here by SQL, as it writes it.
 */
@QuarkusTest
class HumanInTheLoopTest {

    @Inject
    WorkerLifecycle lifecycle;
    @Inject
    TestRuns runs;

    private WorkerEngine engine;

    @BeforeEach
    void start() {
        runs.reset();
        engine = lifecycle.newEngine(UUID.randomUUID(), 2);
        engine.start().await().atMost(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        engine.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void aHumanExecutorAsksParksItsJobAndGoesOnWithTheAnswer() {
        UUID run = runs.run(runs.session("approval-gate"), "{\"ticket\": \"Export broken\", \"customer\": \"Ada\"}");
        var question = runs.awaitInterrupted(run);
        assertThat(question.get("kind").asText()).isEqualTo("human");
        assertThat(question.get("executor").asText()).isEqualTo("review");
        assertThat(question.get("question").asText()).startsWith("Send this reply to Ada? ");
        assertThat(question.get("schema").get("required").toString()).isEqualTo("[\"approved\"]");
        assertThat(Instant.parse(question.get("deadline").asText())).isAfter(Instant.now().plusSeconds(3000));

        // parked: nobody holds the job, it wakes on its own only at the deadline, and the worker's slots are free
        var job = runs.one("SELECT locked_by, run_at, attempt FROM jobs WHERE run_id = $1", run);
        assertThat(job.getUUID("locked_by")).isNull();
        assertThat(job.getOffsetDateTime("run_at")).isAfter(OffsetDateTime.now().plusMinutes(50));
        assertThat(job.getInteger("attempt")).isZero();
        assertThat(engine.slotsUsed()).isZero();
        // the question is in the checkpoint too, and the session stays busy
        assertThat(runs.latestState(run).get("interrupt").get("executor").asText()).isEqualTo("review");
        assertThat(runs.one("SELECT s.status FROM sessions s JOIN runs r ON r.session_id = s.id WHERE r.id = $1",
                run).getString(0)).isEqualTo("busy");
        assertThat(runs.count("SELECT count(*) FROM events WHERE run_id = $1 AND type = 'run.interrupted'", run))
                .isEqualTo(1);

        runs.resume(run, "{\"value\": {\"approved\": true, \"note\": \"fine\"}, \"by\": \"reviewer-key\"}");
        assertThat(runs.awaitTerminal(run)).isEqualTo("succeeded");
        var last = runs.latestState(run);
        assertThat(last.get("trace").toString()).isEqualTo("[\"draft\",\"review\",\"publish\"]");
        assertThat(last.get("outputs").get("review").get("approved").asBoolean()).isTrue();
        assertThat(last.get("outputs").get("review").get("note").asText()).isEqualTo("fine");
        assertThat(last.get("status").get("escalate").asText()).isEqualTo("skipped");
        assertThat(last.has("interrupt")).isFalse();
        var kinds = runs.all("SELECT coalesce(metadata->>'kind', 'step') FROM workflow_checkpoints WHERE run_id = $1 "
                + "ORDER BY step_index", run).stream().map(r -> r.getString(0)).toList();
        assertThat(kinds).containsExactly("start", "step", "interrupt", "resume", "step", "step");
        var resume = runs.json("SELECT metadata::text FROM workflow_checkpoints WHERE run_id = $1 "
                + "AND metadata->>'kind' = 'resume'", run);
        assertThat(resume.get("by").asText()).isEqualTo("reviewer-key");
        assertThat(resume.get("value").get("approved").asBoolean()).isTrue();
        // the question and the answer leave the run row once applied
        assertThat(runs.one("SELECT interrupt IS NULL AND resume IS NULL FROM runs WHERE id = $1", run)
                .getBoolean(0)).isTrue();
    }

    @Test
    void anUnansweredQuestionRoutesToOnTimeoutAndTheWaitDoesNotCountAgainstTheRunTimeout() {
        UUID run = runs.run(runs.session("approval-timeout"), "{\"ticket\": \"Export broken\", \"customer\": \"Bo\"}");
        runs.awaitInterrupted(run);
        assertThat(runs.awaitTerminal(run)).isEqualTo("succeeded");
        var last = runs.latestState(run);
        assertThat(last.get("trace").toString()).isEqualTo("[\"draft\",\"review\",\"escalate\"]");
        assertThat(last.get("outputs").get("review").get("timed_out").asBoolean()).isTrue();
        assertThat(last.get("status").get("publish").asText()).isEqualTo("skipped");
        assertThat(last.get("waitedMillis").asLong()).isGreaterThanOrEqualTo(900);
        assertThat(runs.json("SELECT payload::text FROM events WHERE run_id = $1 AND type = 'run.resumed'", run)
                .get("reason").asText()).isEqualTo("timeout");
    }

    @Test
    void interruptFlagsStopAfterAndBeforeExecutorsAndAStateEditReachesTheNextOne() {
        UUID run = runs.run(runs.session("gated-pipeline"), "{\"ticket\": \"The export button does nothing.\"}");
        var after = runs.awaitInterrupted(run);
        assertThat(after.get("kind").asText()).isEqualTo("after");
        assertThat(after.get("executor").asText()).isEqualTo("summarize");
        assertThat(runs.latestState(run).get("trace").toString()).isEqualTo("[\"summarize\"]");

        // the run goes on to draft_reply, then stops before polish
        runs.resume(run, "{}");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> runs.status(run)
                .equals("interrupted") && runs.json("SELECT interrupt::text FROM runs WHERE id = $1", run)
                        .get("kind").asText().equals("before"));
        var before = runs.json("SELECT interrupt::text FROM runs WHERE id = $1", run);
        assertThat(before.get("executor").asText()).isEqualTo("polish");
        assertThat(runs.latestState(run).get("trace").toString()).isEqualTo("[\"summarize\",\"draft_reply\"]");

        runs.resume(run, "{\"state\": {\"outputs\": {\"draft_reply\": \"EDITED DRAFT\"}}}");
        assertThat(runs.awaitTerminal(run)).isEqualTo("succeeded");
        int edited = runs.one("SELECT c.step_index FROM workflow_checkpoints c WHERE c.run_id = $1 "
                + "AND c.metadata->>'kind' = 'resume' ORDER BY c.step_index DESC LIMIT 1", run).getInteger(0);
        var state = runs.state(run, edited);
        assertThat(state.get("outputs").get("draft_reply").asText()).isEqualTo("EDITED DRAFT");
        assertThat(state.get("inbox").get("polish").get(0).get("payload").asText()).isEqualTo("EDITED DRAFT");
        assertThat(runs.latestState(run).get("trace").toString())
                .isEqualTo("[\"summarize\",\"draft_reply\",\"polish\"]");
    }

    @Test
    void theRunsOwnInterruptListAndAGotoSendTheRunElsewhere() {
        UUID run = runs.run(runs.session("document-review"), "{\"document\": \"Quarterly revenue\"}",
                "{\"interrupt_before\": [\"classifier\"]}");
        var before = runs.awaitInterrupted(run);
        assertThat(before.get("executor").asText()).isEqualTo("classifier");
        assertThat(runs.count("SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1 "
                + "AND metadata ? 'executor'", run)).isZero();

        runs.resume(run, "{\"goto\": \"general_reviewer\", \"value\": \"please just review it\"}");
        assertThat(runs.awaitTerminal(run)).isEqualTo("succeeded");
        var last = runs.latestState(run);
        assertThat(last.get("trace").toString()).isEqualTo("[\"general_reviewer\",\"aggregator\"]");
        assertThat(last.get("status").get("classifier").asText()).isEqualTo("skipped");
    }

    @Test
    void everyStepOfAnInterruptAfterEveryListStopsOnceAndNoWaitCostsAnAttempt() {
        // interrupt_after on every executor: each step stops the run once
        UUID run = runs.run(runs.session("support-triage"), "{\"ticket\": \"Broken export\"}",
                "{\"interrupt_after\": \"*\"}");
        for (String executor : new String[] { "summarize", "draft_reply", "polish" }) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> runs.status(run)
                    .equals("interrupted") && runs.json("SELECT interrupt::text FROM runs WHERE id = $1", run)
                            .get("executor").asText().equals(executor));
            runs.resume(run, "{}");
        }
        assertThat(runs.awaitTerminal(run)).isEqualTo("succeeded");
        // three waits, and no attempt used by any of them
        assertThat(runs.one("SELECT attempt FROM runs WHERE id = $1", run).getInteger(0)).isEqualTo(1);
    }
}
