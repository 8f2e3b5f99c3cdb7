package dev.forge.core.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.forge.core.config.LlmRoutingConfig;

/**
 * Model names to providers by glob ({@code claude-*} → anthropic), in sorted pattern order, else the default provider
 * — unless that is {@code none}, in which case a model no route names has no provider and flows using it are refused
 * when they are validated, not when a run reaches the step.
 */
public final class ModelRoutes {

    public static final String NONE = "none";

    private final TreeMap<String, String> routes;
    private final String defaultProvider;

    public ModelRoutes(Map<String, String> routes, String defaultProvider) {
        this.routes = new TreeMap<>(routes);
        this.defaultProvider = defaultProvider;
    }

    public static ModelRoutes of(LlmRoutingConfig config) {
        return new ModelRoutes(config.routes(), config.defaultProvider());
    }

    public Map<String, String> routes() {
        return routes;
    }

    public Optional<String> providerFor(String model) {
        for (var route : routes.entrySet()) {
            if (globMatches(route.getKey(), model)) {
                return Optional.of(route.getValue());
            }
        }
        return NONE.equals(defaultProvider) ? Optional.empty() : Optional.of(defaultProvider);
    }

    /** One problem per llm executor whose model no provider serves. */
    public List<String> unroutable(FlowBlueprint flow) {
        var problems = new ArrayList<String>();
        for (var e : flow.executors()) {
            if (e.type() == ExecutorType.LLM && e.model() != null && providerFor(e.model()).isEmpty()) {
                problems.add("executor '" + e.id() + "' uses model '" + e.model() + "', which no provider serves "
                        + "(forge.llm.routes " + routes.keySet() + ", default provider none)");
            }
        }
        return problems;
    }

    /** {@code *} any run of characters, {@code ?} one. */
    public static boolean globMatches(String glob, String value) {
        var regex = ("\\Q" + glob + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        return value != null && value.matches(regex);
    }
}
