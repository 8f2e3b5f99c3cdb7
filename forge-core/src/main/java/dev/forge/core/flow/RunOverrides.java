package dev.forge.core.flow;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-run changes to a blueprint, applied to a clone by {@link BlueprintFactory}.
 *
 * @param model model for every llm executor
 * @param models model per executor id (wins over {@code model})
 * @param tools tool list per executor id, replacing the blueprint's
 * @param maxTokens max_tokens for every llm executor
 * @param timeout run timeout
 * @param parameters extra parameters merged into every executor's parameters (prompt templates see them)
 * @param interruptBefore executor ids the run stops before for a person's go-ahead ({@code *}: every one)
 * @param interruptAfter executor ids the run stops after ({@code *}: every one)
 */
public record RunOverrides(
        String model,
        Map<String, String> models,
        Map<String, List<String>> tools,
        Integer maxTokens,
        Duration timeout,
        Map<String, Object> parameters,
        List<String> interruptBefore,
        List<String> interruptAfter) {

    /** In an interrupt list: every executor. */
    public static final String EVERY = "*";

    public static final RunOverrides NONE = new RunOverrides(null, Map.of(), Map.of(), null, null, Map.of(), List.of(),
            List.of());

    public RunOverrides {
        models = models == null ? Map.of() : Map.copyOf(models);
        tools = tools == null ? Map.of() : Map.copyOf(tools);
        // parameters are free JSON: a null value is allowed (Map.copyOf would refuse it)
        parameters = parameters == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        interruptBefore = interruptBefore == null ? List.of() : List.copyOf(interruptBefore);
        interruptAfter = interruptAfter == null ? List.of() : List.copyOf(interruptAfter);
    }

    public boolean isEmpty() {
        return model == null && models.isEmpty() && tools.isEmpty() && maxTokens == null && timeout == null
                && parameters.isEmpty() && interruptBefore.isEmpty() && interruptAfter.isEmpty();
    }
}
