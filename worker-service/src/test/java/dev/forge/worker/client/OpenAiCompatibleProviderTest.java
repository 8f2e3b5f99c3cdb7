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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

import dev.forge.core.json.JsonValues;
import dev.forge.core.tool.CalculatorTool;

/** The OpenAI-compatible provider against WireMock speaking the chat-completions wire format. */
class OpenAiCompatibleProviderTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
    private OpenAiCompatibleProvider provider;

    @BeforeEach
    void reset() {
        provider = new OpenAiCompatibleProvider("http://127.0.0.1:" + server.getPort() + "/v1", "sk-test-secret",
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
    void aRateLimitCarriesTheWaitTheProviderAskedFor() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "7").withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"message\": \"Rate limit reached\"}}")));
        assertThatThrownBy(() -> provider.complete(new LlmRequest("gpt-4o-mini", "x", "hi", null, List.of(),
                Map.of())).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                });

        // the streaming client reads it too
        assertThatThrownBy(() -> provider.stream(new LlmRequest("gpt-4o-mini", "x", "hi", null, List.of(),
                Map.of()), delta -> { }).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryAfter())
                        .contains(Duration.ofSeconds(7)));
    }

    @Test
    void retryAfterIsReadAsSecondsAnHttpDateOrOpenAisMilliseconds() {
        var now = Instant.parse("2026-11-23T10:00:00Z");
        assertThat(ProviderHttpClient.retryAfter(Map.of("Retry-After", List.of("30")), now))
                .contains(Duration.ofSeconds(30));
        assertThat(ProviderHttpClient.retryAfter(Map.of("retry-after", List.of("Mon, 23 Nov 2026 10:00:12 GMT")),
                now)).contains(Duration.ofSeconds(12));
        assertThat(ProviderHttpClient.retryAfter(Map.of("retry-after-ms", List.of("1500.5"),
                "retry-after", List.of("2")), now)).contains(Duration.ofMillis(1501));
        assertThat(ProviderHttpClient.retryAfter(Map.of("Retry-After", List.of("soon")), now)).isEmpty();
        assertThat(ProviderHttpClient.retryAfter(Map.of("Retry-After", List.of("-4")), now)).isEmpty();
        assertThat(ProviderHttpClient.retryAfter(Map.of(), now)).isEmpty();
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
        assertThat(router.forModel("gpt-4o")).containsSame(provider);
        assertThat(router.forModel("claude-opus-4-6")).containsSame(scripted);
    }

    @Test
    void offersToolsReadsToolCallsAndSendsResultsBackInTheWireFormat() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id": "chatcmpl-2", "object": "chat.completion", "created": 1730000000, "model": "gpt-4o-mini",
                         "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant",
                           "content": null, "tool_calls": [{"id": "call_abc", "type": "function",
                             "function": {"name": "calculator", "arguments": "{\\"expression\\": \\"6 * 7\\"}"}}]}}],
                         "usage": {"prompt_tokens": 30, "completion_tokens": 9, "total_tokens": 39}}
                        """)));
        var calculator = new CalculatorTool().spec();
        var first = new LlmRequest("gpt-4o-mini", "solver", "What is six times seven?", null, List.of("calculator"),
                Map.of(), List.of(calculator), List.of());
        var response = provider.complete(first).await().atMost(Duration.ofSeconds(10));

        assertThat(response.toolCalls()).hasSize(1);
        var call = response.toolCalls().get(0);
        assertThat(call.id()).isEqualTo("call_abc");
        assertThat(call.name()).isEqualTo("calculator");
        assertThat(call.arguments().get("expression").asText()).isEqualTo("6 * 7");
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.tools[0].type", equalTo("function")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.name", equalTo("calculator")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.parameters.properties.expression.type",
                        equalTo("string")))
                .withRequestBody(matchingJsonPath("$.tools[0].function.parameters.required[0]",
                        equalTo("expression"))));

        // the next turn carries the call and its result: an assistant message with tool_calls, then a tool message
        server.resetRequests();
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(completion("It is 42."))));
        var result = JsonValues.MAPPER.readTree("{\"expression\": \"6 * 7\", \"result\": 42}");
        var second = provider.complete(first.with(List.of(new ToolExchange(call, result, null))))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(second.text()).isEqualTo("It is 42.");
        assertThat(second.toolCalls()).isEmpty();
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[1].tool_calls[0].id", equalTo("call_abc")))
                .withRequestBody(matchingJsonPath("$.messages[2].role", equalTo("tool")))
                .withRequestBody(matchingJsonPath("$.messages[2].tool_call_id", equalTo("call_abc")))
                .withRequestBody(matchingJsonPath("$.messages[2].content", equalTo(result.toString()))));
    }

    @Test
    void streamsDeltasAndAnswersWithTheWholeMessage() {
        String chunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1730000000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{%s},\"finish_reason\":%s}]}\n\n";
        String body = chunk.formatted("\"role\":\"assistant\",\"content\":\"\"", "null")
                + chunk.formatted("\"content\":\"Revenue \"", "null")
                + chunk.formatted("\"content\":\"grew \"", "null")
                + chunk.formatted("\"content\":\"14%.\"", "null")
                + chunk.formatted("", "\"stop\"")
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1730000000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,"
                + "\"total_tokens\":12}}\n\n"
                + "data: [DONE]\n\n";
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream").withBody(body)));
        var deltas = new CopyOnWriteArrayList<String>();
        var response = provider.stream(new LlmRequest("gpt-4o-mini", "writer", "How did revenue do?", null,
                List.of(), Map.of()), deltas::add).await().atMost(Duration.ofSeconds(10));

        assertThat(deltas).containsExactly("Revenue ", "grew ", "14%.");
        assertThat(response.text()).isEqualTo("Revenue grew 14%.");
        assertThat(response.outputTokens()).isEqualTo(3);
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
    }
}
