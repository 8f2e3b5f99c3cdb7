package dev.forge.worker.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.forge.core.queue.JobWakeup;
import dev.forge.worker.client.LlmException;
import dev.forge.worker.client.LlmProvider;
import dev.forge.worker.client.LlmRequest;
import dev.forge.worker.client.LlmResponse;
import dev.forge.worker.client.LlmRouter;
import dev.forge.worker.client.OpenAiCompatibleProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/** Routing policies, merges, limits and the records a run leaves, executed by a real worker engine. */
@QuarkusTest
class CoordinatorTest {

    @Inject
    WorkerLifecycle lifecycle;
    @Inject
    TestRuns runs;
    @Inject
    JobWakeup wakeup;
    @Inject
    MeterRegistry registry;

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
        return runs.awaitTerminal(run);
    }

    @Test
    void documentReviewTakesTheConditionalRouteAndSkipsTheOthers() {
        UUID run = runs.run(runs.session("document-review"),
                "{\"document\": \"Quarterly revenue and cash flow statement\"}");
        assertThat(finish(run)).isEqualTo("succeeded");
        var last = runs.latestState(run);
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
        assertThat(registry.get("forge.runs.finished").tag("status", "succeeded").counter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get("forge.steps").tag("type", "conditional").timer().count()).isGreaterThanOrEqualTo(1);
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
    void firstMergeKeepsTheFirstMessageInArrivalOrder() {
        UUID run = runs.run(runs.session("merge-first"), "{}");
        assertThat(finish(run)).isEqualTo("succeeded");
        var output = runs.json("SELECT output::text FROM runs WHERE id = $1", run);
        assertThat(output.get("market").get("sources").asInt()).isEqualTo(3);
        assertThat(output.has("technical")).isFalse();
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
        var last = runs.latestState(run);
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

    /** Fails the first {@code failures} calls with the given retryability, then answers. */
    private static final class FlakyProvider implements LlmProvider {
        final AtomicInteger calls = new AtomicInteger();
        final int failures;
        final boolean retryable;

        FlakyProvider(int failures, boolean retryable) {
            this.failures = failures;
            this.retryable = retryable;
        }

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public Uni<LlmResponse> complete(LlmRequest request) {
            if (calls.incrementAndGet() <= failures) {
                return Uni.createFrom().failure(new LlmException(retryable ? "HTTP 503" : "HTTP 400", retryable,
                        null));
            }
            return Uni.createFrom().item(new LlmResponse("answer after " + calls.get() + " calls", 1, 4, "flaky"));
        }
    }

    private WorkerEngine engineWith(LlmProvider provider) {
        var e = lifecycle.newEngine(UUID.randomUUID(), lifecycle.settings(1),
                new LlmRouter(Map.of(provider.name(), provider), Map.of(), provider.name()));
        e.start().await().atMost(Duration.ofSeconds(10));
        return e;
    }

    @Test
    void retryableProviderErrorsAreRetriedWithBackoff() {
        engine.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
        var flaky = new FlakyProvider(2, true);
        engine = engineWith(flaky);
        UUID run = runs.run(runs.session("flaky"), "{}");
        assertThat(finish(run)).isEqualTo("succeeded");
        assertThat(flaky.calls.get()).isEqualTo(3);
        assertThat(runs.json("SELECT output::text FROM runs WHERE id = $1", run).asText())
                .isEqualTo("answer after 3 calls");
    }

    @Test
    void aRateLimitIsRetriedNoSoonerThanTheProvidersRetryAfter() {
        var server = new WireMockServer(
                WireMockConfiguration.options().dynamicPort()
                        .bindAddress("127.0.0.1"));
        server.start();
        try {
            var completions = WireMock.urlEqualTo("/v1/chat/completions");
            server.stubFor(WireMock.post(completions).inScenario("limit")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willSetStateTo("lifted")
                    .willReturn(WireMock.aResponse().withStatus(429)
                            .withHeader("Retry-After", "2").withHeader("Content-Type", "application/json")
                            .withBody("{\"error\": {\"message\": \"Rate limit reached\"}}")));
            server.stubFor(WireMock.post(completions).inScenario("limit")
                    .whenScenarioStateIs("lifted")
                    .willReturn(WireMock.aResponse()
                            // llm steps stream: the answer comes as chat-completion chunks
                            .withHeader("Content-Type", "text/event-stream").withBody("""
                                    data: {"id":"c1","object":"chat.completion.chunk","created":1730000000,\
                                    "model":"flaky-model","choices":[{"index":0,"delta":{"role":"assistant",\
                                    "content":"after the wait"},"finish_reason":"stop"}]}

                                    data: [DONE]

                                    """)));
            engine.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
            engine = engineWith(new OpenAiCompatibleProvider(
                    "http://127.0.0.1:" + server.port() + "/v1", "sk-test", Duration.ofSeconds(5)));
            UUID run = runs.run(runs.session("flaky"), "{}");
            assertThat(finish(run)).isEqualTo("succeeded");
            assertThat(runs.json("SELECT output::text FROM runs WHERE id = $1", run).asText())
                    .isEqualTo("after the wait");
            var calls = server.getAllServeEvents().stream()
                    .map(e -> e.getRequest().getLoggedDate().toInstant()).sorted().toList();
            assertThat(calls).hasSize(2);
            // the test profile's backoff is 20 ms: only the provider's Retry-After explains the wait
            assertThat(Duration.between(calls.get(0), calls.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(1950));
        } finally {
            server.stop();
        }
    }

    @Test
    void nonRetryableProviderErrorsFailTheRunAtOnce() {
        engine.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
        var flaky = new FlakyProvider(1, false);
        engine = engineWith(flaky);
        UUID run = runs.run(runs.session("flaky"), "{}");
        assertThat(finish(run)).isEqualTo("failed");
        assertThat(flaky.calls.get()).isEqualTo(1);
        var error = runs.json("SELECT error::text FROM runs WHERE id = $1", run);
        assertThat(error.get("type").asText()).isEqualTo("llm_error");
        assertThat(error.get("executor").asText()).isEqualTo("ask");
    }

    @Test
    void aStepPastItsOwnTimeoutFailsTheRun() {
        UUID run = runs.run(runs.session("step-timeout"), "{}");
        assertThat(finish(run)).isEqualTo("failed");
        var error = runs.json("SELECT error::text FROM runs WHERE id = $1", run);
        assertThat(error.get("type").asText()).isEqualTo("step_timeout");
        assertThat(error.get("message").asText()).contains("did not finish within 200 ms");
    }

    @Test
    void aRunExecutesThePinnedVersionEvenWhenTheFileNowSaysOtherwise() {
        // an older document-review, known only from flow_versions (an earlier deployment loaded it)
        String old = "name: document-review\nrouting_policy: sequential\nexecutors:\n"
                + "  - id: general_reviewer\n    type: llm\n    model: legacy-model\n";
        runs.pool().preparedQuery("INSERT INTO flow_versions (flow_name, version, source) VALUES ($1, $2, $3)")
                .execute(Tuple.of("document-review", "legacy01", old)).await().atMost(Duration.ofSeconds(5));
        UUID session = runs.session("document-review");
        runs.pool().preparedQuery("UPDATE assistants SET flow_version = 'legacy01' WHERE id = "
                + "(SELECT assistant_id FROM sessions WHERE id = $1)").execute(Tuple.of(session))
                .await().atMost(Duration.ofSeconds(5));
        UUID run = runs.run(session, "{\"document\": \"a contract with liability\"}");
        assertThat(finish(run)).isEqualTo("succeeded");
        assertThat(runs.json("SELECT output::text FROM runs WHERE id = $1", run).asText())
                .startsWith("General review (legacy-model)");
    }

    @Test
    void aNotifyWakesAnIdleWorkerWithoutWaitingForThePoll() {
        engine.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
        var base = lifecycle.settings(2);
        var noPolling = new WorkerSettings(2, base.lease(), base.heartbeatInterval(), Duration.ofHours(1),
                Duration.ofHours(1), base.maxAttempts());
        engine = lifecycle.newEngine(UUID.randomUUID(), noPolling, new CountingProvider().router());
        engine.start().await().atMost(Duration.ofSeconds(10));
        UUID run = runs.run(runs.session("support-triage"), "{}");
        wakeup.jobsCommitted();
        assertThat(finish(run)).isEqualTo("succeeded");
    }

    @Test
    void aRunInterruptedMoreOftenThanAllowedFails() {
        engine.stop(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
        UUID run = runs.run(runs.session("support-triage"), "{}");
        runs.pool().query("UPDATE jobs SET attempt = max_attempts").execute().await().atMost(Duration.ofSeconds(5));
        engine = lifecycle.newEngine(UUID.randomUUID(), 1);
        engine.start().await().atMost(Duration.ofSeconds(10));
        assertThat(finish(run)).isEqualTo("failed");
        assertThat(runs.json("SELECT error::text FROM runs WHERE id = $1", run).get("type").asText())
                .isEqualTo("attempts_exhausted");
    }

    @Test
    void aWaitWithoutAMessageAnswersReceivedFalseAtItsTimeout() {
        UUID run = runs.run(runs.session("impatient-waiter"), "{}");
        long started = System.nanoTime();
        assertThat(finish(run)).isEqualTo("succeeded");
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(900);
        var output = runs.json("SELECT output::text FROM runs WHERE id = $1", run);
        assertThat(output.get("received").asBoolean()).isFalse();
    }

    @Test
    void aSendToAnUnknownSessionFailsClearly() {
        UUID run = runs.run(runs.session("handoff-notifier"),
                "{\"peer_session\": \"" + UUID.randomUUID() + "\", \"note\": \"hi\"}");
        assertThat(finish(run)).isEqualTo("failed");
        assertThat(runs.json("SELECT error::text FROM runs WHERE id = $1", run).get("type").asText())
                .isEqualTo("unknown_session");
    }
}
