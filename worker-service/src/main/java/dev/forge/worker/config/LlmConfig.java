package dev.forge.worker.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which provider serves which model, and the providers' settings. */
@ConfigMapping(prefix = "forge.llm")
public interface LlmConfig {

    /** Provider for models that match no route: scripted (offline) or openai. */
    @WithDefault("scripted")
    String defaultProvider();

    /** Model-name glob (e.g. {@code gpt-*}) to provider name; first match in sorted pattern order wins. */
    Map<String, String> routes();

    Scripted scripted();

    OpenAi openai();

    interface Scripted {
        /** YAML rules the offline provider answers from. */
        @WithDefault("config/llm/scripted.yaml")
        String rulesFile();
    }

    interface OpenAi {
        /** Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, LM Studio). */
        @WithDefault("https://api.openai.com/v1")
        String baseUrl();

        /** From the environment (FORGE_LLM_OPENAI_API_KEY); never logged. */
        Optional<String> apiKey();

        @WithDefault("60s")
        Duration timeout();
    }
}
