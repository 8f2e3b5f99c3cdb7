package dev.forge.worker.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Routing policies, merges, limits and the records a run leaves, executed by a real worker engine. */
@QuarkusTest
class CoordinatorTest {

    @Inject
    WorkerLifecycle lifecycle;
    @Inject
    TestRuns runs;

    private WorkerEngine engine;

    @BeforeEach
    void start() {
        runs.reset();
        engine = lifecycle.newEngine(UUID.randomUUID(), 4);
        engine.start().await().atMost(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        engine.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
    }

    private String finish(UUID run) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !runs.status(run).equals("pending")
                && !runs.status(run).equals("running"));
        return runs.status(run);
    }

    @Test
    void documentReviewTakesTheConditionalRouteAndSkipsTheOthers() {
        UUID run = runs.run(runs.session("document-review"),
                "{\"document\": \"Quarterly revenue and cash flow statement\"}");
        assertThat(finish(run)).isEqualTo("succeeded");
        var last = runs.json("SELECT state::text FROM workflow_checkpoints WHERE run_id = $1 "
                + "ORDER BY step_index DESC LIMIT 1", run);
        assertThat(last.get("trace").toString())
                .isEqualTo("[\"classifier\",\"router\",\"financial_reviewer\",\"aggregator\"]");
        assertThat(last.get("status").get("legal_reviewer").asText()).isEqualTo("skipped");
        assertThat(last.get("status").get("general_reviewer").asText()).isEqualTo("skipped");
        assertThat(last.get("outputs").get("classifier").get("category").asText()).isEqualTo("financial");
        assertThat(runs.json("SELECT output::text FROM runs WHERE id = $1", run).asText())
                .startsWith("Financial review (claude-opus-4-6)");
        // the communication graph, in order
        var edges = runs.all("SELECT from_executor || '->' || to_executor FROM run_edges WHERE run_id = $1 "
                + "ORDER BY seq", run).stream().map(r -> r.getString(0)).toList();
        assertThat(edges).containsExactly("classifier->router", "router->financial_reviewer",
                "financial_reviewer->aggregator");
        // messages: the input, then one per llm step, in sequence
        var roles = runs.all("SELECT role || ':' || coalesce(executor_id, '') FROM messages WHERE run_id = $1 "
                + "ORDER BY seq", run).stream().map(r -> r.getString(0)).toList();
        assertThat(roles).containsExactly("user:", "assistant:classifier", "assistant:financial_reviewer");
        assertThat(runs.one("SELECT s.status FROM sessions s JOIN runs r ON r.session_id = s.id WHERE r.id = $1", run)
                .getString(0)).isEqualTo("idle");
    }

    @Test
    void fanOutMulticastsAndTheMergeWaitsForBothBranches() {
        UUID run = runs.run(runs.session("research-fanout"), "{\"question\": \"vector databases\"}");
        assertThat(finish(run)).isEqualTo("succeeded");
        var output = runs.json("SELECT output::text FROM runs WHERE id = $1", run);
        assertThat(output.get("market").get("sources").asInt()).isEqualTo(3);
        assertThat(output.get("technical").get("sources").asInt()).isEqualTo(5);
        var edges = runs.all("SELECT from_executor || '->' || to_executor FROM run_edges WHERE run_id = $1 "
                + "ORDER BY seq", run).stream().map(r -> r.getString(0)).toList();
        assertThat(edges).containsExactly("planner->market_researcher", "planner->technical_researcher",
                "market_researcher->findings", "technical_researcher->findings");
        var merge = runs.json("SELECT metadata::text FROM workflow_checkpoints WHERE run_id = $1 "
                + "AND metadata->>'executor' = 'findings'", run);
        assertThat(merge.get("inputs").toString()).isEqualTo("[\"market_researcher\",\"technical_researcher\"]");
    }

    @Test
    void sequentialPipelinePassesEachOutputOnAndHonoursMaxTokens() {
        UUID run = runs.run(runs.session("support-triage"), "{\"ticket\": \"cannot log in\"}",
                "{\"max_tokens\": 3, \"models\": {\"polish\": \"claude-haiku-9\"}}");
        assertThat(finish(run)).isEqualTo("succeeded");
        assertThat(runs.json("SELECT output::text FROM runs WHERE id = $1", run).asText()).isEqualTo("Hi! Thanks for");
        var polish = runs.json("SELECT metadata::text FROM workflow_checkpoints WHERE run_id = $1 "
                + "AND metadata->>'executor' = 'polish'", run);
        assertThat(polish.get("max_tokens").asInt()).isEqualTo(3);
        assertThat(polish.get("model").asText()).isEqualTo("claude-haiku-9");
        assertThat(polish.get("output_tokens").asInt()).isEqualTo(3);
        var last = runs.json("SELECT state::text FROM workflow_checkpoints WHERE run_id = $1 "
                + "ORDER BY step_index DESC LIMIT 1", run);
        assertThat(last.get("trace").toString()).isEqualTo("[\"summarize\",\"draft_reply\",\"polish\"]");
        // the blueprint's own limit is untouched for the next run
        UUID plain = runs.run(runs.session("support-triage"), "{\"ticket\": \"x\"}");
        assertThat(finish(plain)).isEqualTo("succeeded");
        assertThat(runs.json("SELECT output::text FROM runs WHERE id = $1", plain).asText())
                .isEqualTo("Hi! Thanks for letting us know. We're on it and will have it fixed today.");
    }

    @Test
    void aRunPastItsTimeoutEndsTimedOut() {
        UUID run = runs.run(runs.session("slow-pipeline"), "{}", "{\"timeout\": \"1s\"}");
        assertThat(finish(run)).isEqualTo("timed_out");
        var error = runs.json("SELECT error::text FROM runs WHERE id = $1", run);
        assertThat(error.get("type").asText()).isEqualTo("run_timeout");
        assertThat(runs.count("SELECT count(*) FROM jobs")).isZero();
        assertThat(runs.one("SELECT s.status FROM sessions s JOIN runs r ON r.session_id = s.id WHERE r.id = $1", run)
                .getString(0)).isEqualTo("error");
    }

    @Test
    void aRunIsNeverRunningWithoutItsFirstCheckpoint() {
        UUID run = runs.run(runs.session("slow-pipeline"), "{}");
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.status(run).equals("running"));
        assertThat(runs.count("SELECT count(*) FROM workflow_checkpoints WHERE run_id = $1 AND step_index = 0", run))
                .isEqualTo(1);
        assertThat(finish(run)).isEqualTo("succeeded");
    }
}
