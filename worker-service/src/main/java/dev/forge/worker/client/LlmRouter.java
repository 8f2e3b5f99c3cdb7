package dev.forge.worker.client;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forge.core.config.LlmRoutingConfig;
import dev.forge.core.flow.ModelRoutes;
import dev.forge.worker.config.LlmConfig;

/** Picks the provider for a model name from the configured routes. */
@ApplicationScoped
public class LlmRouter {

    private final Map<String, LlmProvider> providers = new LinkedHashMap<>();
    private final ModelRoutes routes;

    @Inject
    public LlmRouter(LlmConfig config, LlmRoutingConfig routing) {
        register(ScriptedLlmProvider.fromFile(Path.of(config.scripted().rulesFile())));
        register(new OpenAiCompatibleProvider(config.openai().baseUrl(), config.openai().apiKey().orElse(null),
                config.openai().timeout()));
        register(new AnthropicProvider(config.anthropic().baseUrl(), config.anthropic().apiKey().orElse(null),
                config.anthropic().timeout(), config.anthropic().maxTokens()));
        register(new OllamaProvider(config.ollama().baseUrl(), config.ollama().timeout()));
        this.routes = ModelRoutes.of(routing);
        routes.routes().values().forEach(this::requireKnown);
        if (!ModelRoutes.NONE.equals(routing.defaultProvider())) {
            requireKnown(routing.defaultProvider());
        }
    }

    /** For tests and embedding: explicit providers and routes. */
    public LlmRouter(Map<String, LlmProvider> providers, Map<String, String> routes, String defaultProvider) {
        providers.values().forEach(this::register);
        this.routes = new ModelRoutes(routes, defaultProvider);
    }

    private void register(LlmProvider provider) {
        providers.put(provider.name(), provider);
    }

    private void requireKnown(String name) {
        if (!providers.containsKey(name)) {
            throw new IllegalStateException("LLM provider '" + name + "' is not known (known: " + providers.keySet()
                    + ")");
        }
    }

    /** The provider serving the model, if any (validation refuses flows whose models have none). */
    public Optional<LlmProvider> forModel(String model) {
        return routes.providerFor(model).map(providers::get);
    }
}
