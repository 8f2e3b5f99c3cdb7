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
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

import dev.forge.core.json.JsonValues;
import dev.forge.core.tool.CalculatorTool;

/** The Anthropic Messages API and Ollama's chat API, each against WireMock speaking its wire format. */
class AnthropicAndOllamaProviderTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

    private AnthropicProvider anthropic() {
        return new AnthropicProvider("http://127.0.0.1:" + server.getPort() + "/v1/", "sk-ant-test", Duration.ofSeconds(5),
                1024);
    }

    @Test
    void anthropicMessagesWithUsageAndTheDefaultTokenLimit() {
        server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-4-6",
                         "content": [{"type": "text", "text": "Legal review: clauses checked."}],
                         "stop_reason": "end_turn", "stop_sequence": null,
                         "usage": {"input_tokens": 21, "output_tokens": 6}}
                        """)));
        var response = anthropic().complete(new LlmRequest("claude-opus-4-6", "legal_reviewer", "Review this contract",
                null, List.of(), Map.of())).await().atMost(Duration.ofSeconds(10));

        assertThat(response.text()).isEqualTo("Legal review: clauses checked.");
        assertThat(response.inputTokens()).isEqualTo(21);
        assertThat(response.outputTokens()).isEqualTo(6);
        assertThat(response.provider()).isEqualTo("anthropic");
        server.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("x-api-key", equalTo("sk-ant-test"))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("claude-opus-4-6")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("1024")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("user")))
                .withRequestBody(matchingJsonPath("$.messages[0].content[0].text", equalTo("Review this contract"))));
    }

    @Test
    void anthropicToolUseRoundTrip() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id": "msg_2", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                         "content": [{"type": "tool_use", "id": "toolu_01", "name": "calculator",
                                      "input": {"expression": "6 * 7"}}],
                         "stop_reason": "tool_use", "usage": {"input_tokens": 40, "output_tokens": 12}}
                        """)));
        var first = new LlmRequest("claude-sonnet-4-5", "solver", "Six times seven?", 256, List.of("calculator"),
                Map.of(), List.of(new CalculatorTool().spec()), List.of());
        var response = anthropic().complete(first).await().atMost(Duration.ofSeconds(10));
        assertThat(response.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("toolu_01");
            assertThat(call.name()).isEqualTo("calculator");
            assertThat(call.arguments().get("expression").asText()).isEqualTo("6 * 7");
        });
        server.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("256")))
                .withRequestBody(matchingJsonPath("$.tools[0].name", equalTo("calculator")))
                .withRequestBody(matchingJsonPath("$.tools[0].input_schema.properties.expression.type",
                        equalTo("string"))));

        server.resetAll();
        server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id": "msg_3", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                         "content": [{"type": "text", "text": "42"}], "stop_reason": "end_turn",
                         "usage": {"input_tokens": 60, "output_tokens": 2}}
                        """)));
        var result = JsonValues.MAPPER.readTree("{\"result\": 42}");
        var second = anthropic().complete(first.with(List.of(new ToolExchange(response.toolCalls().get(0), result,
                null)))).await().atMost(Duration.ofSeconds(10));
        assertThat(second.text()).isEqualTo("42");
        server.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("assistant")))
                .withRequestBody(matchingJsonPath("$.messages[1].content[0].type", equalTo("tool_use")))
                .withRequestBody(matchingJsonPath("$.messages[2].role", equalTo("user")))
                .withRequestBody(matchingJsonPath("$.messages[2].content[0].type", equalTo("tool_result")))
                .withRequestBody(matchingJsonPath("$.messages[2].content[0].tool_use_id", equalTo("toolu_01"))));
    }

    @Test
    void anthropicOverloadIsRetryableAndABadRequestIsNot() {
        server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(529)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}")));
        assertThatThrownBy(() -> anthropic().complete(new LlmRequest("claude-opus-4-6", "x", "hi", null, List.of(),
                Map.of())).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isTrue());
        server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"type\": \"error\", \"error\": {\"type\": \"invalid_request_error\", \"message\": \"bad\"}}")));
        assertThatThrownBy(() -> anthropic().complete(new LlmRequest("claude-opus-4-6", "x", "hi", null, List.of(),
                Map.of())).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void ollamaChat() {
        server.stubFor(post(urlEqualTo("/api/chat")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("""
                        {"model": "llama3.2", "created_at": "2026-11-23T10:00:00Z",
                         "message": {"role": "assistant", "content": "General review: fine."},
                         "done": true, "done_reason": "stop", "prompt_eval_count": 14, "eval_count": 5}
                        """)));
        var provider = new OllamaProvider("http://127.0.0.1:" + server.getPort(), Duration.ofSeconds(5));
        var response = provider.complete(new LlmRequest("llama3.2", "general_reviewer", "Review", 100, List.of(),
                Map.of())).await().atMost(Duration.ofSeconds(10));
        assertThat(response.text()).isEqualTo("General review: fine.");
        assertThat(response.inputTokens()).isEqualTo(14);
        assertThat(response.outputTokens()).isEqualTo(5);
        assertThat(response.provider()).isEqualTo("ollama");
        server.verify(postRequestedFor(urlEqualTo("/api/chat"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("llama3.2")))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("false")))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("Review"))));
    }

    @Test
    void anthropicStreamsTextDeltas() {
        String body = """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant","content":[],"model":"claude-opus-4-6","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Clauses "}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"checked."}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream").withBody(body)));
        var deltas = new CopyOnWriteArrayList<String>();
        var response = anthropic().stream(new LlmRequest("claude-opus-4-6", "legal_reviewer", "Review", null,
                List.of(), Map.of()), deltas::add).await().atMost(Duration.ofSeconds(10));
        assertThat(deltas).containsExactly("Clauses ", "checked.");
        assertThat(response.text()).isEqualTo("Clauses checked.");
        assertThat(response.outputTokens()).isEqualTo(4);
        server.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
    }

    @Test
    void ollamaStreamsNewlineDelimitedChunks() {
        String body = """
                {"model":"llama3.2","created_at":"2026-11-23T10:00:00Z","message":{"role":"assistant","content":"All "},"done":false}
                {"model":"llama3.2","created_at":"2026-11-23T10:00:00Z","message":{"role":"assistant","content":"good."},"done":false}
                {"model":"llama3.2","created_at":"2026-11-23T10:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":8,"eval_count":2}
                """;
        server.stubFor(post(urlEqualTo("/api/chat")).willReturn(aResponse()
                .withHeader("Content-Type", "application/x-ndjson").withBody(body)));
        var provider = new OllamaProvider("http://127.0.0.1:" + server.getPort(), Duration.ofSeconds(5));
        var deltas = new CopyOnWriteArrayList<String>();
        var response = provider.stream(new LlmRequest("llama3.2", "general_reviewer", "Review", null, List.of(),
                Map.of()), deltas::add).await().atMost(Duration.ofSeconds(10));
        assertThat(deltas).containsExactly("All ", "good.");
        assertThat(response.text()).isEqualTo("All good.");
        assertThat(response.outputTokens()).isEqualTo(2);
    }
}
