package dev.forge.worker.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.mcp.McpConnector;
import dev.forge.core.mcp.McpServerRecord;
import dev.forge.core.mcp.McpServerStore;
import dev.forge.core.mcp.McpToolNames;
import dev.forge.core.secret.SecretCipher;
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
 * Every tool a run can call, by name: the built-ins, tool beans (http_fetch), and the tools of the MCP servers the
 * run's workspace registered ({@code mcp:<server>/<tool>}, described by the server's last tools/list). Tool
 * executors, the tool-call loop of llm executors, per-run overrides and skill-injected tools all resolve here. A call
 * is checked against the tool's schema first, bounded by {@code forge.tools.call-timeout}, and a deterministic
 * tool's result goes through the Redis tool cache (MCP tools are not assumed deterministic).
 */
@ApplicationScoped
public class ToolRegistry {

    /** A finished call: the result and whether the cache answered. */
    public record ToolResult(JsonNode value, boolean cached) {
    }

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    /** The pure built-ins compute on the caller's thread (a regex may take its full second): run them off it. */
    private final Set<String> computing = new HashSet<>();
    private final ToolResultCache cache;
    private final McpServerStore mcpServers;
    private final McpConnector mcp;
    private final Duration timeout;
    private final int maxIterations;

    public ToolRegistry(Instance<Tool> beans, ToolResultCache cache, ToolsConfig config, McpServerStore mcpServers,
            McpConnector mcp) {
        this.mcpServers = mcpServers;
        this.mcp = mcp;
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

    /**
     * The specs of the named tools the run's workspace can call, in the given order; names with no tool (an MCP
     * server not registered, a tool its server does not list) are skipped.
     */
    public Uni<List<ToolSpec>> specs(String workspace, List<String> names) {
        var wanted = names.stream().distinct().toList();
        // each MCP server named is read once, however many of its tools the executor binds
        var servers = wanted.stream().map(McpToolNames::parse).flatMap(Optional::stream).map(McpToolNames.Ref::server)
                .distinct().toList();
        Uni<Map<String, McpServerRecord>> registered = Uni.createFrom().item(new LinkedHashMap<>());
        for (String server : servers) {
            registered = registered.flatMap(found -> mcpServers.findByName(workspace, server).map(record -> {
                record.ifPresent(r -> found.put(server, r));
                return found;
            }));
        }
        return registered.map(found -> {
            var out = new ArrayList<ToolSpec>();
            for (String name : wanted) {
                var builtin = tools.get(name);
                if (builtin != null) {
                    out.add(builtin.spec());
                    continue;
                }
                McpToolNames.parse(name).flatMap(ref -> Optional.ofNullable(found.get(ref.server()))
                        .flatMap(s -> mcpTool(s, ref.tool())))
                        .ifPresent(t -> out.add(new ToolSpec(name, t.path("description").asText(""),
                                t.path("input_schema"), false)));
            }
            return out;
        });
    }

    private static Optional<JsonNode> mcpTool(McpServerRecord server, String tool) {
        for (JsonNode t : server.tools()) {
            if (tool.equals(t.path("name").asText())) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public Uni<ToolResult> call(String workspace, String name, JsonNode arguments) {
        if (McpToolNames.isMcp(name)) {
            return callMcp(workspace, name, arguments);
        }
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

    /**
     * An MCP tool of the workspace's registry: arguments checked against the input schema the server listed (when
     * it listed the tool), then called over the server's session within the tool timeout.
     */
    private Uni<ToolResult> callMcp(String workspace, String name, JsonNode arguments) {
        var ref = McpToolNames.parse(name).orElse(null);
        if (ref == null) {
            return Uni.createFrom().failure(new ToolException(ToolException.Kind.UNKNOWN_TOOL, "'" + name
                    + "' is not an MCP tool name (mcp:<server>/<tool>, server names are lowercase slugs)"));
        }
        return mcpServers.findByName(workspace, ref.server()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(new ToolException(ToolException.Kind.UNKNOWN_TOOL, "no MCP server "
                        + "named '" + ref.server() + "' is registered in this workspace"));
            }
            var server = found.get();
            var listed = mcpTool(server, ref.tool());
            if (listed.isPresent()) {
                var problems = JsonSchemas.problems(listed.get().path("input_schema"), arguments);
                if (!problems.isEmpty()) {
                    return Uni.createFrom().failure(new ToolException(ToolException.Kind.INVALID_ARGUMENTS, name
                            + ": " + String.join("; ", problems), problems));
                }
            }
            return mcp.call(server, ref.tool(), arguments)
                    .onFailure(SecretCipher.SecretUnavailable.class).transform(e -> new ToolException(
                            ToolException.Kind.REFUSED, name + ": " + e.getMessage()))
                    .ifNoItem().after(timeout).failWith(() -> new ToolException(ToolException.Kind.TIMEOUT, name
                            + " did not answer within " + timeout.toMillis() + " ms"))
                    .map(value -> new ToolResult(value, false));
        });
    }
}
