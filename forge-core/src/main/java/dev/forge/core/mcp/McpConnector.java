package dev.forge.core.mcp;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.config.McpConfig;
import dev.forge.core.json.JsonValues;
import dev.forge.core.secret.SecretCipher;
import dev.forge.core.tool.ToolException;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Talks to registered MCP servers with the MCP Java SDK: a probe (initialize + tools/list on a fresh connection, for
 * test-connection, discovery and health) and tool calls over a session kept per server until its configuration
 * changes or it fails. The SDK's sync client blocks, so every call runs on the worker pool.
 */
@ApplicationScoped
public class McpConnector {

    private static final Logger LOG = Logger.getLogger(McpConnector.class);

    /**
     * What a probe found.
     *
     * @param tools each tool's name, description and input schema, as tools/list answered
     */
    public record Probe(boolean ok, long latencyMs, String protocolVersion, JsonNode serverInfo, ArrayNode tools,
            String error) {
    }

    private record Session(OffsetDateTime version, McpSyncClient client) {
    }

    private final SecretCipher secrets;
    private final McpConfig config;
    private final Map<UUID, Session> sessions = new ConcurrentHashMap<>();
    private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

    public McpConnector(SecretCipher secrets, McpConfig config) {
        this.secrets = secrets;
        this.config = config;
    }

    public Uni<Probe> probe(McpServerRecord server) {
        return Uni.createFrom().item(() -> probeBlocking(server))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Probe probeBlocking(McpServerRecord server) {
        long started = System.nanoTime();
        McpSyncClient client = null;
        try {
            client = open(server);
            var init = client.initialize();
            var tools = JsonValues.MAPPER.createArrayNode();
            String cursor = null;
            do {
                var page = client.listTools(cursor);
                page.tools().forEach(t -> tools.add(tool(t)));
                cursor = page.nextCursor();
            } while (cursor != null && !cursor.isEmpty());
            long latency = (System.nanoTime() - started) / 1_000_000;
            return new Probe(true, latency, init.protocolVersion(), JsonValues.MAPPER.valueToTree(init.serverInfo()),
                    tools, null);
        } catch (RuntimeException e) {
            long latency = (System.nanoTime() - started) / 1_000_000;
            return new Probe(false, latency, null, null, null, describe(e));
        } finally {
            if (client != null) {
                close(client);
            }
        }
    }

    /** Calls one tool; the result is the structured content when the server gives one, else its text. */
    public Uni<JsonNode> call(McpServerRecord server, String tool, JsonNode arguments) {
        return Uni.createFrom().item(() -> callBlocking(server, tool, arguments))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private JsonNode callBlocking(McpServerRecord server, String tool, JsonNode arguments) {
        McpSyncClient client;
        try {
            client = session(server);
        } catch (RuntimeException e) {
            throw new ToolException(ToolException.Kind.FAILED, server.toolName(tool) + ": cannot connect to MCP "
                    + "server '" + server.name() + "': " + describe(e));
        }
        McpSchema.CallToolResult result;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> args = JsonValues.MAPPER.convertValue(arguments, Map.class);
            result = client.callTool(new McpSchema.CallToolRequest(tool, args == null ? Map.of() : args));
        } catch (RuntimeException e) {
            // the session may be broken: the next call reconnects
            drop(server.id());
            throw new ToolException(ToolException.Kind.FAILED, server.toolName(tool) + " failed: " + describe(e));
        }
        JsonNode value = value(result);
        if (Boolean.TRUE.equals(result.isError())) {
            throw new ToolException(ToolException.Kind.REFUSED, server.toolName(tool) + " answered an error: "
                    + (value.isTextual() ? value.asText() : value.toString()));
        }
        return value;
    }

    private McpSyncClient session(McpServerRecord server) {
        var current = sessions.get(server.id());
        if (current != null && current.version().equals(server.updatedAt())) {
            return current.client();
        }
        // one server's connecting (up to the request timeout) holds up only calls to that server
        synchronized (locks.computeIfAbsent(server.id(), id -> new Object())) {
            current = sessions.get(server.id());
            if (current != null && current.version().equals(server.updatedAt())) {
                return current.client();
            }
            if (current != null) {
                close(current.client());
            }
            var client = open(server);
            try {
                client.initialize();
            } catch (RuntimeException e) {
                close(client);
                throw e;
            }
            sessions.put(server.id(), new Session(server.updatedAt(), client));
            return client;
        }
    }

    private void drop(UUID id) {
        var gone = sessions.remove(id);
        if (gone != null) {
            close(gone.client());
        }
    }

    private McpSyncClient open(McpServerRecord server) {
        return McpClient.sync(transport(server)).requestTimeout(config.requestTimeout())
                .initializationTimeout(config.requestTimeout())
                .clientInfo(new McpSchema.Implementation("forge", "0.1.0")).build();
    }

    private McpClientTransport transport(McpServerRecord server) {
        var mapper = McpJsonDefaults.getMapper();
        return switch (server.transport()) {
            case STDIO -> {
                if (!config.stdioEnabled()) {
                    throw new IllegalStateException("stdio MCP servers are turned off (forge.mcp.stdio-enabled)");
                }
                var stdio = IsolatedStdioTransport.of(server, config.stdioUid(), mapper);
                stdio.setStdErrorHandler(line -> LOG.debugf("MCP server %s (stderr): %s", server.name(), line));
                yield stdio;
            }
            case STREAMABLE_HTTP -> {
                var url = Endpoint.of(server.url());
                var http = HttpClientStreamableHttpTransport.builder(url.base()).endpoint(url.path())
                        .connectTimeout(Duration.ofSeconds(10)).jsonMapper(mapper);
                authHeader(server).ifPresent(http::httpRequestCustomizer);
                yield http.build();
            }
            case SSE -> {
                var url = Endpoint.of(server.url());
                var sse = HttpClientSseClientTransport.builder(url.base()).sseEndpoint(url.path())
                        .connectTimeout(Duration.ofSeconds(10)).jsonMapper(mapper);
                authHeader(server).ifPresent(sse::httpRequestCustomizer);
                yield sse.build();
            }
        };
    }

    /** Adds the server's auth header (decrypted when the transport is built) to every request it sends. */
    private Optional<McpSyncHttpClientRequestCustomizer> authHeader(McpServerRecord server) {
        if (server.authHeader() == null || server.authSecret() == null) {
            return Optional.empty();
        }
        String name = server.authHeader();
        String value = secrets.decrypt(server.authSecret(), server.secretBinding());
        return Optional.of((request, method, uri, body, context) -> request.header(name, value));
    }

    /** A URL split into what the SDK's builders take: scheme://host:port, and the path (with query). */
    record Endpoint(String base, String path) {
        static Endpoint of(String url) {
            var uri = URI.create(url);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            return new Endpoint(uri.getScheme() + "://" + uri.getRawAuthority(), path);
        }
    }

    private static ObjectNode tool(McpSchema.Tool t) {
        var node = JsonValues.MAPPER.createObjectNode();
        node.put("name", t.name());
        node.put("description", t.description() == null ? "" : t.description());
        node.set("input_schema", t.inputSchema() == null ? JsonValues.MAPPER.createObjectNode().put("type", "object")
                : withoutNulls(JsonValues.MAPPER.valueToTree(t.inputSchema())));
        return node;
    }

    /** The SDK's schema record leaves absent keywords as nulls; a schema means "absent", not null. */
    private static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            var out = JsonValues.MAPPER.createObjectNode();
            object.fields().forEachRemaining(f -> {
                if (!f.getValue().isNull()) {
                    out.set(f.getKey(), withoutNulls(f.getValue()));
                }
            });
            return out;
        }
        if (node instanceof ArrayNode array) {
            var out = JsonValues.MAPPER.createArrayNode();
            array.forEach(v -> out.add(withoutNulls(v)));
            return out;
        }
        return node;
    }

    private static JsonNode value(McpSchema.CallToolResult result) {
        if (result.structuredContent() != null) {
            return JsonValues.MAPPER.valueToTree(result.structuredContent());
        }
        var texts = result.content() == null ? List.<String>of() : result.content().stream()
                .filter(McpSchema.TextContent.class::isInstance).map(c -> ((McpSchema.TextContent) c).text())
                .toList();
        if (texts.size() == 1) {
            String text = texts.get(0);
            try {
                var parsed = JsonValues.MAPPER.readTree(text);
                if (parsed != null && parsed.isContainerNode()) {
                    return parsed;
                }
            } catch (JsonProcessingException notJson) {
                // plain text stays text
            }
            return JsonValues.MAPPER.getNodeFactory().textNode(text);
        }
        var out = JsonValues.MAPPER.createArrayNode();
        texts.forEach(out::add);
        return out;
    }

    /**
     * The cause chain in one line, each link by its message or, when it has none (a refused connection often has
     * none), its exception name. Never the auth header: the SDK does not put request headers in messages.
     */
    static String describe(Throwable e) {
        var links = new LinkedHashSet<String>();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            links.add(t.getMessage() != null && !t.getMessage().isBlank() ? t.getMessage()
                    : t.getClass().getSimpleName());
        }
        String message = String.join(": ", links);
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    private static void close(McpSyncClient client) {
        try {
            client.closeGracefully();
        } catch (RuntimeException e) {
            client.close();
        }
    }

    @PreDestroy
    void closeAll() {
        sessions.values().forEach(s -> close(s.client()));
        sessions.clear();
    }
}
