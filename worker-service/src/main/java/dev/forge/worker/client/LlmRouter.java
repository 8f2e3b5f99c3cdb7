package dev.forge.worker.client;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forge.worker.config.LlmConfig;

/** Picks the provider for a model name from the configured routes. */
@ApplicationScoped
public class LlmRouter {

    private final Map<String, LlmProvider> providers = new LinkedHashMap<>();
    private final Map<String, String> routes;
    private final String defaultProvider;

    @Inject
    public LlmRouter(LlmConfig config) {
        register(ScriptedLlmProvider.fromFile(Path.of(config.scripted().rulesFile())));
        register(new OpenAiCompatibleProvider(config.openai().baseUrl(), config.openai().apiKey().orElse(null),
                config.openai().timeout()));
        this.routes = new TreeMap<>(config.routes());
        this.defaultProvider = config.defaultProvider();
        routes.values().forEach(this::requireKnown);
        requireKnown(defaultProvider);
    }

    /** For tests and embedding: explicit providers and routes. */
    public LlmRouter(Map<String, LlmProvider> providers, Map<String, String> routes, String defaultProvider) {
        providers.values().forEach(this::register);
        this.routes = new TreeMap<>(routes);
        this.defaultProvider = defaultProvider;
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

    public LlmProvider forModel(String model) {
        for (var route : routes.entrySet()) {
            if (ScriptedLlmProvider.globMatches(route.getKey(), model)) {
                return providers.get(route.getValue());
            }
        }
        return providers.get(defaultProvider);
    }
}
