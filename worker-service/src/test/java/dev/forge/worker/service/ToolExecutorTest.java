package dev.forge.worker.service;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import jakarta.inject.Inject;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;

/** Tool executors in real runs: built-in tools chained by templates, the tool cache, and http_fetch's allowlist. */
@QuarkusTest
class ToolExecutorTest {

    /** The port the test profile's http-allow names (127.0.0.1:51392). */
    private static final int ALLOWED_PORT = 51392;
    private static WireMockServer web;

    @Inject
    WorkerLifecycle lifecycle;
    @Inject
    TestRuns runs;

    private final TestEngines engines = new TestEngines();

    @BeforeAll
    static void startWeb() {
        web = new WireMockServer(options().port(ALLOWED_PORT).bindAddress("127.0.0.1"));
        web.start();
        web.stubFor(get(urlEqualTo("/report.json")).willReturn(aResponse().withHeader("Content-Type",
                "application/json").withBody("{\"title\": \"Q3 report\", \"pages\": 12}")));
        web.stubFor(get(urlEqualTo("/moved")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://elsewhere.example/secret")));
    }

    @AfterAll
    static void stopWeb() {
        web.stop();
    }

    @BeforeEach
    void start() {
        runs.reset();
        engines.start(lifecycle.newEngine(UUID.randomUUID(), 4));
    }

    @AfterEach
    void stop() {
        engines.stopAll();
    }

    private String finish(UUID run) {
        return runs.awaitTerminal(run);
    }

    private String metadata(UUID run, String executor, String field) {
        return runs.json("SELECT metadata::text FROM workflow_checkpoints WHERE run_id = $1 "
                + "AND metadata->>'executor' = '" + executor + "'", run).path(field).asText();
    }

    @Test
    void builtInToolsChainThroughTemplatesAndDeterministicResultsAreCached() {
        String doc = "{\"document\": \"Product revenue 4.1M. Services 2.3M. Margin improved.\"}";
        UUID first = runs.run(runs.session("tool-chain"), doc);
        assertThat(finish(first)).isEqualTo("succeeded");
        var state = runs.latestState(first).get("outputs");
        assertThat(state.get("stats").get("words").asInt()).isEqualTo(7);
        assertThat(state.get("figures").get("matches").toString()).isEqualTo("[\"4.1\",\"2.3\"]");
        assertThat(runs.json("SELECT output::text FROM runs WHERE id = $1", first).get("result").asDouble())
                .isEqualTo(6.4, Offset.offset(1e-9));
        assertThat(metadata(first, "total", "tool")).isEqualTo("calculator");
        assertThat(metadata(first, "total", "cached")).isEqualTo("false");

        // the same calls again: answered by the Redis tool cache
        UUID second = runs.run(runs.session("tool-chain"), doc);
        assertThat(finish(second)).isEqualTo("succeeded");
        assertThat(metadata(second, "stats", "cached")).isEqualTo("true");
        assertThat(metadata(second, "total", "cached")).isEqualTo("true");
    }

    @Test
    void httpFetchReachesAllowlistedHostsOnly() {
        UUID fetched = runs.run(runs.session("fetcher"), "{\"url\": \"http://127.0.0.1:" + ALLOWED_PORT
                + "/report.json\"}");
        assertThat(finish(fetched)).isEqualTo("succeeded");
        assertThat(runs.json("SELECT output::text FROM runs WHERE id = $1", fetched).get("values").toString())
                .isEqualTo("[\"Q3 report\"]");

        // same server, but named by a host the allowlist does not hold: refused before any request
        int before = web.findAll(getRequestedFor(urlEqualTo("/report.json"))).size();
        UUID refused = runs.run(runs.session("fetcher"), "{\"url\": \"http://localhost:" + ALLOWED_PORT
                + "/report.json\"}");
        assertThat(finish(refused)).isEqualTo("failed");
        var error = runs.json("SELECT error::text FROM runs WHERE id = $1", refused);
        assertThat(error.get("type").asText()).isEqualTo("tool_refused");
        assertThat(error.get("message").asText()).contains("host 'localhost' is not on the http_fetch allowlist");
        assertThat(web.findAll(getRequestedFor(urlEqualTo("/report.json")))).hasSize(before);

        // a redirect is reported, never followed off the allowlist
        UUID moved = runs.run(runs.session("fetcher"), "{\"url\": \"http://127.0.0.1:" + ALLOWED_PORT
                + "/moved\"}");
        finish(moved);
        var fetch = runs.latestState(moved).get("outputs").get("fetch");
        assertThat(fetch.get("status").asInt()).isEqualTo(302);
        assertThat(fetch.get("location").asText()).isEqualTo("http://elsewhere.example/secret");
    }

    @Test
    void anLlmExecutorCallsItsToolsInALoopAndHearsAboutRefusals() {
        UUID run = runs.run(runs.session("tool-loop"), "{\"document\": \"Revenue grew. Costs fell sharply.\"}");
        assertThat(finish(run)).isEqualTo("succeeded");
        var outputs = runs.latestState(run).get("outputs");
        assertThat(outputs.get("measurer").asText()).isEqualTo("The document has 5 words in 2 sentences.");
        var measurer = runs.json("SELECT metadata::text FROM workflow_checkpoints WHERE run_id = $1 "
                + "AND metadata->>'executor' = 'measurer'", run);
        assertThat(measurer.get("turns").asInt()).isEqualTo(2);
        assertThat(measurer.get("tool_calls").get(0).get("name").asText()).isEqualTo("text_stats");
        assertThat(measurer.get("tool_calls").get(0).get("arguments").get("text").asText())
                .isEqualTo("Revenue grew. Costs fell sharply.");
        // the refused fetch is told to the model, which answers with it; the step does not fail
        assertThat(outputs.get("fetch_agent").asText()).startsWith("Could not fetch: host 'not-allowed.example' is "
                + "not on the http_fetch allowlist");
        var fetchAgent = runs.json("SELECT metadata::text FROM workflow_checkpoints WHERE run_id = $1 "
                + "AND metadata->>'executor' = 'fetch_agent'", run);
        assertThat(fetchAgent.get("tool_calls").get(0).get("error").asText()).contains("allowlist");
    }

    @Test
    void aModelThatNeverStopsCallingToolsIsStoppedAtTheBound() {
        UUID run = runs.run(runs.session("tool-looper"), "{\"question\": \"count forever\"}");
        assertThat(finish(run)).isEqualTo("failed");
        var error = runs.json("SELECT error::text FROM runs WHERE id = $1", run);
        assertThat(error.get("type").asText()).isEqualTo("tool_loop_exhausted");
        assertThat(error.get("message").asText()).contains("after 5 turns");
    }
}
