package dev.forge.worker.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * OpenAI chat-completions wire format through LangChain4j (OpenAI, vLLM, LM Studio and other compatible servers).
 * The SDK call blocks, so it runs on the worker pool; Forge does its own retries, so the SDK's are off.
 */
public class OpenAiCompatibleProvider implements LlmProvider {

    public static final String NAME = "openai";

    private final String baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final Map<String, OpenAiChatModel> models = new ConcurrentHashMap<>();

    public OpenAiCompatibleProvider(String baseUrl, String apiKey, Duration timeout) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<LlmResponse> complete(LlmRequest request) {
        return Uni.createFrom().item(() -> call(request))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private LlmResponse call(LlmRequest request) {
        var model = models.computeIfAbsent(request.model(), name -> OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey == null || apiKey.isBlank() ? "none" : apiKey)
                .modelName(name)
                .timeout(timeout)
                .maxRetries(0)
                .build());
        var chat = ChatRequest.builder().messages(UserMessage.from(request.prompt()));
        if (request.maxTokens() != null) {
            chat.maxOutputTokens(request.maxTokens());
        }
        ChatResponse response;
        try {
            response = model.chat(chat.build());
        } catch (HttpException e) {
            int status = e.statusCode();
            throw new LlmException("openai-compatible endpoint answered HTTP " + status + " for model "
                    + request.model(), status == 429 || status >= 500, e);
        } catch (RetriableException e) {
            throw new LlmException("openai-compatible call failed (retryable): " + e.getMessage(), true, e);
        } catch (RuntimeException e) {
            boolean retryable = e.getCause() instanceof java.io.IOException
                    || e.getCause() instanceof java.net.http.HttpTimeoutException;
            throw new LlmException("openai-compatible call failed: " + e.getMessage(), retryable, e);
        }
        var usage = response.tokenUsage();
        return new LlmResponse(response.aiMessage().text(),
                usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(), NAME);
    }
}
