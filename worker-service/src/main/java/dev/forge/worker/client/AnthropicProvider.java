package dev.forge.worker.client;

import java.time.Duration;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;

/**
 * Anthropic's Messages API (the seed's flows name {@code claude-*} models). The API requires a token limit: an
 * executor's {@code max_tokens} when it has one, else {@code forge.llm.anthropic.max-tokens}.
 */
public class AnthropicProvider extends ChatModelProvider {

    public static final String NAME = "anthropic";

    private final String baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final int defaultMaxTokens;

    public AnthropicProvider(String baseUrl, String apiKey, Duration timeout, int defaultMaxTokens) {
        super(NAME, "anthropic");
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.defaultMaxTokens = defaultMaxTokens;
    }

    @Override
    protected ChatModel model(String modelName) {
        return AnthropicChatModel.builder().httpClientBuilder(ProviderHttpClient.builder()).baseUrl(baseUrl)
                .apiKey(apiKey == null || apiKey.isBlank() ? "none" : apiKey)
                .modelName(modelName).timeout(timeout).maxTokens(defaultMaxTokens).maxRetries(0).build();
    }

    @Override
    protected StreamingChatModel streamingModel(String modelName) {
        return AnthropicStreamingChatModel.builder().httpClientBuilder(ProviderHttpClient.builder()).baseUrl(baseUrl)
                .apiKey(apiKey == null || apiKey.isBlank() ? "none" : apiKey)
                .modelName(modelName).timeout(timeout).maxTokens(defaultMaxTokens).build();
    }
}
