package dev.forge.worker.client;

import java.time.Duration;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;

/** OpenAI chat-completions wire format (OpenAI, vLLM, LM Studio and other compatible servers). */
public class OpenAiCompatibleProvider extends ChatModelProvider {

    public static final String NAME = "openai";

    private final String baseUrl;
    private final String apiKey;
    private final Duration timeout;

    public OpenAiCompatibleProvider(String baseUrl, String apiKey, Duration timeout) {
        super(NAME, "openai-compatible");
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.timeout = timeout;
    }

    @Override
    protected ChatModel model(String modelName) {
        return OpenAiChatModel.builder().httpClientBuilder(ProviderHttpClient.builder()).baseUrl(baseUrl)
                .apiKey(apiKey == null || apiKey.isBlank() ? "none" : apiKey)
                .modelName(modelName).timeout(timeout).maxRetries(0).build();
    }

    @Override
    protected StreamingChatModel streamingModel(String modelName) {
        return OpenAiStreamingChatModel.builder().httpClientBuilder(ProviderHttpClient.builder()).baseUrl(baseUrl)
                .apiKey(apiKey == null || apiKey.isBlank() ? "none" : apiKey)
                .modelName(modelName).timeout(timeout).build();
    }
}
