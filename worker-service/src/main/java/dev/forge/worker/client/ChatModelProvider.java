package dev.forge.worker.client;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.forge.core.json.JsonValues;
import dev.forge.core.mcp.McpToolNames;
import dev.forge.core.tool.ToolSpec;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * A provider whose wire format a LangChain4j chat model speaks (OpenAI-compatible, Anthropic Messages, Ollama): the
 * prompt and the step's tool calls so far become chat messages, the offered tools tool specifications, and the answer
 * text or tool calls. The SDK call blocks, so it runs on the worker pool; Forge does its own retries, so the SDK's are
 * off. HTTP 429 and 5xx are retryable, other 4xx are not.
 */
public abstract class ChatModelProvider implements LlmProvider {

    private final String name;
    private final String label;
    private final Map<String, ChatModel> models = new ConcurrentHashMap<>();
    private final Map<String, Optional<StreamingChatModel>> streamingModels = new ConcurrentHashMap<>();

    protected ChatModelProvider(String name, String label) {
        this.name = name;
        this.label = label;
    }

    /** A client for one model (built once per model name, then reused). */
    protected abstract ChatModel model(String modelName);

    @Override
    public String name() {
        return name;
    }

    @Override
    public Uni<LlmResponse> complete(LlmRequest request) {
        return Uni.createFrom().item(() -> call(request))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Streams when this provider has a streaming client; otherwise answers whole, with no deltas. */
    @Override
    public Uni<LlmResponse> stream(LlmRequest request, Consumer<String> deltas) {
        var streaming = streamingModels.computeIfAbsent(request.model(), n -> Optional.ofNullable(streamingModel(n)));
        if (streaming.isEmpty()) {
            return complete(request);
        }
        return Uni.createFrom().<LlmResponse>emitter(emitter -> streaming.get().chat(chatRequest(request),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                        if (partial != null && !partial.isEmpty()) {
                            deltas.accept(partial);
                        }
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        emitter.complete(answer(response));
                    }

                    @Override
                    public void onError(Throwable error) {
                        emitter.fail(error instanceof RuntimeException e ? classify(e, request.model())
                                : new LlmException(label + " stream failed: " + error.getMessage(), true, error));
                    }
                })).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** A streaming client for one model, or null when this provider answers whole only. */
    protected StreamingChatModel streamingModel(String modelName) {
        return null;
    }

    private LlmResponse call(LlmRequest request) {
        var model = models.computeIfAbsent(request.model(), this::model);
        try {
            return answer(model.chat(chatRequest(request)));
        } catch (RuntimeException e) {
            throw classify(e, request.model());
        }
    }

    private static ChatRequest chatRequest(LlmRequest request) {
        var chat = ChatRequest.builder().messages(messages(request));
        if (request.maxTokens() != null) {
            chat.maxOutputTokens(request.maxTokens());
        }
        if (!request.toolSpecs().isEmpty()) {
            chat.toolSpecifications(request.toolSpecs().stream().map(ChatModelProvider::specification)
                    .toList());
        }
        return chat.build();
    }

    /** HTTP 429 and 5xx, and I/O failures, are worth retrying; other 4xx are not. */
    private LlmException classify(RuntimeException e, String model) {
        if (e instanceof LlmException known) {
            return known;
        }
        var http = httpFailure(e);
        if (http != null) {
            int status = http.statusCode();
            var retryAfter = http instanceof ProviderHttpClient.ProviderHttpException known
                    ? known.retryAfter().orElse(null) : null;
            return new LlmException(label + " endpoint answered HTTP " + status + " for model " + model
                    + (retryAfter != null ? " (retry after " + retryAfter.toMillis() + " ms)" : ""),
                    status == 429 || status >= 500, retryAfter, e);
        }
        if (e instanceof RetriableException) {
            return new LlmException(label + " call failed (retryable): " + e.getMessage(), true, e);
        }
        boolean retryable = e.getCause() instanceof IOException
                || e.getCause() instanceof HttpTimeoutException;
        return new LlmException(label + " call failed: " + e.getMessage(), retryable, e);
    }

    /** The HTTP failure under LangChain4j's own exception types (they wrap it as their cause). */
    private static HttpException httpFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpException http) {
                return http;
            }
        }
        return null;
    }

    private LlmResponse answer(ChatResponse response) {
        var usage = response.tokenUsage();
        var calls = response.aiMessage().hasToolExecutionRequests()
                ? response.aiMessage().toolExecutionRequests().stream().map(ChatModelProvider::call).toList()
                : List.<ToolCall>of();
        return new LlmResponse(response.aiMessage().text(),
                usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(), name, calls);
    }

    /** The prompt, then each tool call made so far as the assistant's request followed by the tool's answer. */
    private static List<ChatMessage> messages(LlmRequest request) {
        var out = new ArrayList<ChatMessage>();
        out.add(UserMessage.from(request.prompt()));
        for (var exchange : request.exchanges()) {
            var call = exchange.call();
            String wireName = McpToolNames.toWire(call.name());
            out.add(AiMessage.from(ToolExecutionRequest.builder().id(call.id()).name(wireName)
                    .arguments(call.arguments().toString()).build()));
            out.add(ToolExecutionResultMessage.from(call.id(), wireName, exchange.content()));
        }
        return out;
    }

    private static ToolCall call(ToolExecutionRequest request) {
        JsonNode arguments;
        try {
            arguments = JsonValues.MAPPER.readTree(request.arguments() == null || request.arguments().isBlank() ? "{}"
                    : request.arguments());
        } catch (JsonProcessingException e) {
            // passed on as text: the registry's schema check tells the model what was wrong
            arguments = TextNode.valueOf(request.arguments());
        }
        return new ToolCall(request.id(), McpToolNames.fromWire(request.name()), arguments);
    }

    /** A tool as the model sees it; MCP tools under a name providers accept ({@link McpToolNames#toWire}). */
    static ToolSpecification specification(ToolSpec spec) {
        return ToolSpecification.builder().name(McpToolNames.toWire(spec.name())).description(spec.description())
                .parameters((JsonObjectSchema) schema(spec.parameters())).build();
    }

    /** Our JSON Schema subset as LangChain4j's schema elements (a property with no type may be anything). */
    static JsonSchemaElement schema(JsonNode node) {
        String description = node.path("description").asText(null);
        return switch (node.path("type").asText("")) {
            case "object" -> {
                var object = JsonObjectSchema.builder().description(description);
                node.path("properties").fields().forEachRemaining(p -> object.addProperty(p.getKey(),
                        schema(p.getValue())));
                var required = new ArrayList<String>();
                node.path("required").forEach(r -> required.add(r.asText()));
                object.required(required);
                if (node.has("additionalProperties")) {
                    object.additionalProperties(node.get("additionalProperties").asBoolean());
                }
                yield object.build();
            }
            case "string" -> JsonStringSchema.builder().description(description).build();
            case "integer" -> JsonIntegerSchema.builder().description(description).build();
            case "number" -> JsonNumberSchema.builder().description(description).build();
            case "boolean" -> JsonBooleanSchema.builder().description(description).build();
            case "array" -> JsonArraySchema.builder().description(description)
                    .items(schema(node.path("items"))).build();
            default -> JsonAnyOfSchema.builder().description(description).anyOf(
                    JsonObjectSchema.builder().build(), JsonArraySchema.builder().items(JsonStringSchema.builder()
                            .build()).build(), JsonStringSchema.builder().build(), JsonNumberSchema.builder().build())
                    .build();
        };
    }
}
