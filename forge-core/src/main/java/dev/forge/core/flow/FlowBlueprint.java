package dev.forge.core.flow;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A validated, immutable flow: a DAG of executors plus routing policy and limits.
 * The shared copy is never changed; per-run overrides produce a new instance (see {@link BlueprintFactory}).
 *
 * @param version content hash of the YAML source; a run pins it
 * @param file where the blueprint came from, for messages
 */
public record FlowBlueprint(
        String name,
        String description,
        String version,
        RoutingPolicy routingPolicy,
        Duration timeout,
        Integer maxTokens,
        Long maxStateBytes,
        List<ExecutorSpec> executors,
        String source,
        String file) {

    public FlowBlueprint {
        executors = List.copyOf(executors);
    }

    public Optional<ExecutorSpec> executor(String id) {
        return executors.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public Map<String, ExecutorSpec> executorsById() {
        return executors.stream().collect(Collectors.toMap(ExecutorSpec::id, Function.identity(), (a, b) -> a,
                LinkedHashMap::new));
    }

    /** The executor a run starts at: the first one listed. */
    public ExecutorSpec entry() {
        return executors.get(0);
    }

    /** Executors that can send a message to the given one (message_driven edges). */
    public List<String> predecessors(String id) {
        return executors.stream().filter(e -> e.targets().contains(id)).map(ExecutorSpec::id).toList();
    }

    public FlowBlueprint withExecutors(List<ExecutorSpec> newExecutors) {
        return new FlowBlueprint(name, description, version, routingPolicy, timeout, maxTokens, maxStateBytes,
                newExecutors, source, file);
    }

    public FlowBlueprint withLimits(Duration newTimeout, Integer newMaxTokens) {
        return new FlowBlueprint(name, description, version, routingPolicy, newTimeout, newMaxTokens, maxStateBytes,
                executors, source, file);
    }
}
