package dev.forge.worker.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The providers' settings (which provider serves which model: forge-core's LlmRoutingConfig). */
@ConfigMapping(prefix = "forge.llm")
public interface LlmConfig {

    Scripted scripted();

    OpenAi openai();

    Anthropic anthropic();

    Ollama ollama();

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

    interface Anthropic {
        @WithDefault("https://api.anthropic.com/v1/")
        String baseUrl();

        /** From the environment (FORGE_LLM_ANTHROPIC_API_KEY); never logged. */
        Optional<String> apiKey();

        @WithDefault("60s")
        Duration timeout();

        /** The Messages API needs a limit; used when the executor sets none. */
        @WithDefault("1024")
        int maxTokens();
    }

    interface Ollama {
        @WithDefault("http://127.0.0.1:11434")
        String baseUrl();

        @WithDefault("120s")
        Duration timeout();
    }
}
