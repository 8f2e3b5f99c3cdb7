package dev.forge.worker.client;

import java.time.Duration;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;

/** A local Ollama server's chat API. */
public class OllamaProvider extends ChatModelProvider {

    public static final String NAME = "ollama";

    private final String baseUrl;
    private final Duration timeout;

    public OllamaProvider(String baseUrl, Duration timeout) {
        super(NAME, "ollama");
        this.baseUrl = baseUrl;
        this.timeout = timeout;
    }

    @Override
    protected ChatModel model(String modelName) {
        return OllamaChatModel.builder().httpClientBuilder(ProviderHttpClient.builder()).baseUrl(baseUrl).modelName(modelName).timeout(timeout).maxRetries(0)
                .build();
    }

    @Override
    protected StreamingChatModel streamingModel(String modelName) {
        return OllamaStreamingChatModel.builder().httpClientBuilder(ProviderHttpClient.builder()).baseUrl(baseUrl).modelName(modelName).timeout(timeout).build();
    }
}
