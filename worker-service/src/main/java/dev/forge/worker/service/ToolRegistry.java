package dev.forge.worker.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.tool.BuiltinTools;
import dev.forge.core.tool.JsonSchemas;
import dev.forge.core.tool.Tool;
import dev.forge.core.tool.ToolException;
import dev.forge.core.tool.ToolSpec;
import dev.forge.worker.client.ToolResultCache;
import dev.forge.worker.config.ToolsConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Every tool a run can call, by name: the built-ins, and tool beans (http_fetch). Tool executors, the tool-call loop
 * of llm executors, per-run overrides and skill-injected tools all resolve here. A call is checked against the tool's
 * schema first, bounded by {@code forge.tools.call-timeout}, and a deterministic tool's result goes through the Redis
 * tool cache.
 */
@ApplicationScoped
public class ToolRegistry {

    /** A finished call: the result and whether the cache answered. */
    public record ToolResult(JsonNode value, boolean cached) {
    }

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    /** The pure built-ins compute on the caller's thread (a regex may take its full second): run them off it. */
    private final java.util.Set<String> computing = new java.util.HashSet<>();
    private final ToolResultCache cache;
    private final Duration timeout;
    private final int maxIterations;

    public ToolRegistry(Instance<Tool> beans, ToolResultCache cache, ToolsConfig config) {
        BuiltinTools.pure().forEach(t -> {
            tools.put(t.spec().name(), t);
            computing.add(t.spec().name());
        });
        beans.forEach(t -> tools.put(t.spec().name(), t));
        this.cache = cache;
        this.timeout = config.callTimeout();
        this.maxIterations = config.maxIterations();
    }

    /** Most model turns of one llm step's tool-call loop. */
    public int maxIterations() {
        return maxIterations;
    }

    public boolean has(String name) {
        return tools.containsKey(name);
    }

    /** The specs of the named tools this registry has, in the given order; names it lacks are skipped. */
    public List<ToolSpec> specs(List<String> names) {
        var out = new ArrayList<ToolSpec>();
        names.stream().distinct().filter(tools::containsKey).forEach(n -> out.add(tools.get(n).spec()));
        return out;
    }

    public Uni<ToolResult> call(String name, JsonNode arguments) {
        var tool = tools.get(name);
        if (tool == null) {
            return Uni.createFrom().failure(new ToolException(ToolException.Kind.UNKNOWN_TOOL, "no tool named '"
                    + name + "' (known: " + String.join(", ", tools.keySet()) + ")"));
        }
        var problems = JsonSchemas.problems(tool.spec().parameters(), arguments);
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(new ToolException(ToolException.Kind.INVALID_ARGUMENTS, name + ": "
                    + String.join("; ", problems), problems));
        }
        Uni<JsonNode> invocation = Uni.createFrom().deferred(() -> tool.call(arguments));
        if (computing.contains(name)) {
            invocation = invocation.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        Uni<ToolResult> run = invocation
                .ifNoItem().after(timeout).failWith(() -> new ToolException(ToolException.Kind.TIMEOUT, name
                        + " did not answer within " + timeout.toMillis() + " ms"))
                .invoke(result -> {
                    if (tool.spec().deterministic()) {
                        cache.put(name, arguments, result);
                    }
                })
                .map(result -> new ToolResult(result, false));
        if (!tool.spec().deterministic()) {
            return run;
        }
        return cache.get(name, arguments).flatMap(hit -> hit.isPresent()
                ? Uni.createFrom().item(new ToolResult(hit.get(), true)) : run);
    }
}
