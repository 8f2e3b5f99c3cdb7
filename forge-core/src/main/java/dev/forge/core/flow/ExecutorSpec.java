package dev.forge.core.flow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One executor of a flow blueprint, immutable. Fields that do not apply to the type are null or empty.
 * {@code channel}, {@code toSession} and {@code message} belong to the send / wait executors (templates allowed in
 * toSession and message).
 *
 * @param memory long-term memory use of an llm executor, or null
 * @param human the question a human executor asks, or null
 * @param interrupts whether the run stops for a person before and/or after this executor
 * @param line 1-based line of the executor in its YAML file, for error messages
 */
public record ExecutorSpec(
        String id,
        ExecutorType type,
        String model,
        String prompt,
        List<String> tools,
        List<String> outputTo,
        List<Route> routes,
        String defaultTarget,
        MergeStrategy strategy,
        Integer maxTokens,
        Duration timeout,
        Integer retries,
        Map<String, Object> parameters,
        String channel,
        String toSession,
        String message,
        MemorySpec memory,
        HumanSpec human,
        Interrupts interrupts,
        int line) {

    /** {@code interrupt_before} / {@code interrupt_after}: the run waits for a person's go-ahead there. */
    public record Interrupts(boolean before, boolean after) {
        public static final Interrupts NONE = new Interrupts(false, false);
    }

    public ExecutorSpec {
        tools = tools == null ? List.of() : List.copyOf(tools);
        outputTo = outputTo == null ? List.of() : List.copyOf(outputTo);
        routes = routes == null ? List.of() : List.copyOf(routes);
        // free-form values: null is allowed (Map.copyOf would refuse it)
        parameters = parameters == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        interrupts = interrupts == null ? Interrupts.NONE : interrupts;
    }

    /** Every executor this one can send a message to. */
    public List<String> targets() {
        if (type == ExecutorType.CONDITIONAL) {
            var all = new ArrayList<String>();
            routes.forEach(r -> all.add(r.target()));
            if (defaultTarget != null) {
                all.add(defaultTarget);
            }
            return all.stream().distinct().toList();
        }
        if (type == ExecutorType.HUMAN && human != null && human.onTimeoutTarget() != null) {
            var all = new ArrayList<>(outputTo);
            all.add(human.onTimeoutTarget());
            return all.stream().distinct().toList();
        }
        return outputTo;
    }

    public ExecutorSpec withModel(String newModel) {
        return new ExecutorSpec(id, type, newModel, prompt, tools, outputTo, routes, defaultTarget, strategy, maxTokens,
                timeout, retries, parameters, channel, toSession, message, memory, human, interrupts, line);
    }

    public ExecutorSpec withTools(List<String> newTools) {
        return new ExecutorSpec(id, type, model, prompt, newTools, outputTo, routes, defaultTarget, strategy, maxTokens,
                timeout, retries, parameters, channel, toSession, message, memory, human, interrupts, line);
    }

    public ExecutorSpec withLimits(Integer newMaxTokens, Duration newTimeout) {
        return new ExecutorSpec(id, type, model, prompt, tools, outputTo, routes, defaultTarget, strategy,
                newMaxTokens, newTimeout, retries, parameters, channel, toSession, message, memory, human,
                interrupts, line);
    }

    public ExecutorSpec withParameters(Map<String, Object> newParameters) {
        return new ExecutorSpec(id, type, model, prompt, tools, outputTo, routes, defaultTarget, strategy, maxTokens,
                timeout, retries, newParameters, channel, toSession, message, memory, human, interrupts, line);
    }

    public ExecutorSpec withInterrupts(Interrupts newInterrupts) {
        return new ExecutorSpec(id, type, model, prompt, tools, outputTo, routes, defaultTarget, strategy, maxTokens,
                timeout, retries, parameters, channel, toSession, message, memory, human, newInterrupts, line);
    }
}
