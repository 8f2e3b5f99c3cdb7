package dev.forge.worker.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

/** The OpenAI-compatible provider against WireMock speaking the chat-completions wire format. */
class OpenAiCompatibleProviderTest {

    private static WireMockServer server;
    private OpenAiCompatibleProvider provider;

    @BeforeAll
    static void startServer() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
        provider = new OpenAiCompatibleProvider("http://127.0.0.1:" + server.port() + "/v1", "sk-test-secret",
                Duration.ofSeconds(5));
    }

    private static String completion(String content) {
        return """
                {"id": "chatcmpl-1", "object": "chat.completion", "created": 1730000000, "model": "gpt-4o-mini",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": %s},
                              "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 17, "completion_tokens": 5, "total_tokens": 22}}
                """.formatted(com.fasterxml.jackson.databind.node.TextNode.valueOf(content).toString());
    }

    @Test
    void sendsModelPromptAndMaxTokensAndReadsAnswerAndUsage() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody(completion("{\"category\": \"legal\"}"))));
        var response = provider.complete(new LlmRequest("gpt-4o-mini", "classifier", "Classify: a contract", 64,
                List.of(), Map.of())).await().atMost(Duration.ofSeconds(10));

        assertThat(response.text()).isEqualTo("{\"category\": \"legal\"}");
        assertThat(response.inputTokens()).isEqualTo(17);
        assertThat(response.outputTokens()).isEqualTo(5);
        assertThat(response.provider()).isEqualTo("openai");
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-test-secret"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Classify: a contract")))
                .withRequestBody(matchingJsonPath("$..max_tokens", equalTo("64"))));
    }

    @Test
    void rateLimitsAndServerErrorsAreRetryable() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"message\": \"Rate limit reached\", \"type\": \"rate_limit_error\"}}")));
        assertThatThrownBy(() -> provider.complete(new LlmRequest("gpt-4o-mini", "x", "hi", null, List.of(),
                Map.of())).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isTrue());

        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(503)
                .withBody("{\"error\": {\"message\": \"overloaded\"}}")));
        assertThatThrownBy(() -> provider.complete(new LlmRequest("gpt-4o-mini", "x", "hi", null, List.of(),
                Map.of())).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void clientErrorsAreNotRetriedAndDoNotEchoTheKey() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"message\": \"bad request\", \"type\": \"invalid_request_error\"}}")));
        assertThatThrownBy(() -> provider.complete(new LlmRequest("gpt-4o-mini", "x", "hi", null, List.of(),
                Map.of())).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).doesNotContain("sk-test-secret");
                });
    }

    @Test
    void routerPicksProviderByModelGlob() {
        var scripted = new ScriptedLlmProvider(List.of());
        var router = new LlmRouter(Map.of("scripted", scripted, "openai", provider), Map.of("gpt-*", "openai"),
                "scripted");
        assertThat(router.forModel("gpt-4o")).isSameAs(provider);
        assertThat(router.forModel("claude-opus-4-6")).isSameAs(scripted);
    }
}
