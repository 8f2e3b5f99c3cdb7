package dev.forge.core.config;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Which provider serves which model — read by the gateway (to refuse an unroutable model when a flow is chosen or a
 * run overrides a model) and by the workers (to call it). The worker reads the providers' own settings separately.
 */
@ConfigMapping(prefix = "forge.llm")
public interface LlmRoutingConfig {

    /** Provider for models that match no route (scripted, openai, anthropic, ollama), or {@code none}. */
    @WithDefault("scripted")
    String defaultProvider();

    /** Model-name glob (e.g. {@code claude-*}) to provider name; first match in sorted pattern order wins. */
    Map<String, String> routes();
}
