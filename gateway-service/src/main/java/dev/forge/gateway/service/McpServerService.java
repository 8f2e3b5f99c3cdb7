package dev.forge.gateway.service;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.config.McpConfig;
import dev.forge.core.json.JsonValues;
import dev.forge.core.mcp.McpConnector;
import dev.forge.core.mcp.McpServerRecord;
import dev.forge.core.mcp.McpServerStore;
import dev.forge.core.mcp.McpToolNames;
import dev.forge.core.mcp.McpTransport;
import dev.forge.core.secret.SecretCipher;
import dev.forge.core.secret.SecretResealer;
import io.smallrye.mutiny.Uni;

/**
 * The MCP server registry of a workspace: validation, the auth header sealed before it is stored (and never shown
 * again), test-connection and tool discovery, whose findings are recorded like the periodic health check's.
 */
@ApplicationScoped
public class McpServerService {

    /** The gateway writes MCP servers' auth headers, so it reseals them after a key rotation (SecretResealer). */
    @Produces
    static final SecretResealer.SealedColumn SEALED_AUTH = McpServerStore.SEALED_AUTH;

    private static final Logger LOG = Logger.getLogger(McpServerService.class);
    private static final Set<String> FIELDS = Set.of("name", "transport", "url", "command", "args", "auth");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "content-type",
            "connection", "accept", "mcp-session-id", "mcp-protocol-version", "transfer-encoding", "upgrade");

    private final McpServerStore store;
    private final McpConnector connector;
    private final SecretCipher secrets;
    private final McpConfig config;

    public McpServerService(McpServerStore store, McpConnector connector, SecretCipher secrets, McpConfig config) {
        this.store = store;
        this.connector = connector;
        this.secrets = secrets;
        this.config = config;
    }

    public Uni<ObjectNode> create(String workspace, JsonNode body) {
        var req = Requests.of(body, FIELDS);
        var id = UUID.randomUUID();
        var record = configured(req, id, workspace, null);
        return store.insert(record).map(inserted -> inserted.orElseThrow(() -> nameTaken(record.name())))
                .invoke(this::refreshSoon)
                .map(McpServerService::view);
    }

    /** Changes the given fields; {@code "auth": null} removes the auth header, an absent {@code auth} keeps it. */
    public Uni<ObjectNode> update(String workspace, String id, JsonNode body) {
        var req = Requests.of(body, FIELDS);
        return find(workspace, id).flatMap(current -> {
            var record = configured(req, current.id(), workspace, current);
            return store.update(record).flatMap(updated -> updated.isPresent()
                    ? Uni.createFrom().item(updated.get())
                    : store.find(workspace, current.id()).map(still -> {
                        throw still.isPresent() ? nameTaken(record.name()) : ApiProblem.notFound("MCP server", id);
                    }));
        }).invoke(this::refreshSoon).map(McpServerService::view);
    }

    public Uni<List<ObjectNode>> list(String workspace) {
        return store.list(workspace).map(all -> all.stream().map(McpServerService::view).toList());
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return find(workspace, id).map(McpServerService::view);
    }

    public Uni<Void> delete(String workspace, String id) {
        return store.delete(workspace, Requests.pathId("MCP server", id)).map(deleted -> {
            if (!deleted) {
                throw ApiProblem.notFound("MCP server", id);
            }
            return null;
        });
    }

    /** initialize + tools/list now; what it finds is recorded as the server's health. */
    public Uni<ObjectNode> test(String workspace, String id) {
        return find(workspace, id).flatMap(server -> connector.probe(server).flatMap(probe -> store
                .recordHealth(server, probe).map(x -> {
                    var out = JsonValues.MAPPER.createObjectNode();
                    out.put("ok", probe.ok());
                    out.put("latency_ms", probe.latencyMs());
                    if (probe.ok()) {
                        out.put("protocol_version", probe.protocolVersion());
                        out.set("server_info", probe.serverInfo());
                        out.put("tool_count", probe.tools().size());
                    } else {
                        out.put("error", probe.error());
                    }
                    return out;
                })));
    }

    /** The server's tools as flows name them; {@code refresh} asks the server (tools/list) instead of the record. */
    public Uni<ObjectNode> tools(String workspace, String id, boolean refresh) {
        return find(workspace, id).flatMap(server -> {
            if (!refresh) {
                return Uni.createFrom().item(toolsView(server, server.tools(), null));
            }
            return connector.probe(server).flatMap(probe -> store.recordHealth(server, probe).map(recorded -> {
                if (!probe.ok()) {
                    throw new ApiProblem(502, "mcp-server-unreachable", "MCP server did not answer",
                            "MCP server '" + server.name() + "' did not answer tools/list: " + probe.error(), null);
                }
                return toolsView(server, probe.tools(), probe);
            }));
        });
    }

    /** Health of every registered server, one after another (the periodic refresher). */
    public Uni<Integer> refreshAll() {
        return store.listAll().flatMap(all -> {
            Uni<Integer> chain = Uni.createFrom().item(0);
            for (var server : all) {
                chain = chain.flatMap(n -> connector.probe(server).flatMap(probe -> store.recordHealth(server, probe))
                        .map(x -> n + 1));
            }
            return chain;
        });
    }

    private void refreshSoon(McpServerRecord server) {
        connector.probe(server).flatMap(probe -> store.recordHealth(server, probe)).subscribe().with(
                x -> { }, e -> LOG.warnf("MCP server %s: first check failed: %s", server.name(), e.getMessage()));
    }

    private Uni<McpServerRecord> find(String workspace, String id) {
        return store.find(workspace, Requests.pathId("MCP server", id))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("MCP server", id)));
    }

    private static ApiProblem nameTaken(String name) {
        return new ApiProblem(409, "conflict", "Name taken", "this workspace already has an MCP server named '"
                + name + "'", null);
    }

    /** The record the request describes: the request's fields over {@code current}'s (when updating). */
    private McpServerRecord configured(Requests req, UUID id, String workspace, McpServerRecord current) {
        JsonNode body = req.body();
        String name = req.text("name", current == null, 63).orElse(current == null ? null : current.name());
        if (name != null && !McpToolNames.SERVER_NAME.matcher(name).matches()) {
            req.error("'name' must be a lowercase slug (letters, digits, '-'; starting with a letter), got '"
                    + name + "'");
        }
        McpTransport transport = req.text("transport", current == null, 32).map(t -> McpTransport.fromWire(t)
                .orElseGet(() -> {
                    req.error("'transport' must be one of stdio, streamable_http, sse; got '" + t + "'");
                    return null;
                })).orElse(current == null ? null : current.transport());
        boolean transportChanged = current != null && body.has("transport") && transport != current.transport();
        String url = req.text("url", false, 2048).orElse(current == null || transportChanged ? null : current.url());
        String command = req.text("command", false, 1024)
                .orElse(current == null || transportChanged ? null : current.command());
        List<String> args = body.has("args") ? args(req, body.get("args"))
                : current == null || transportChanged ? List.of() : current.args();
        if (transport == McpTransport.STDIO) {
            if (command == null) {
                req.error("'command' is required for the stdio transport");
            }
            if (url != null) {
                req.error("'url' is for the HTTP transports, not stdio");
            }
            if (!config.stdioEnabled()) {
                req.error("stdio MCP servers are turned off on this deployment (forge.mcp.stdio-enabled)");
            }
        } else if (transport != null) {
            if (url == null) {
                req.error("'url' is required for the " + transport.wire() + " transport");
            } else if (!httpUrl(url)) {
                req.error("'url' must be an absolute http(s) URL");
            }
            if (command != null || !args.isEmpty()) {
                req.error("'command' and 'args' are for the stdio transport");
            }
        }
        String authHeader = current == null ? null : current.authHeader();
        byte[] authSecret = current == null ? null : current.authSecret();
        if (body.has("auth")) {
            var auth = body.get("auth");
            if (auth.isNull()) {
                authHeader = null;
                authSecret = null;
            } else if (!auth.isObject() || !auth.path("header").isTextual() || !auth.path("value").isTextual()
                    || auth.path("value").asText().isEmpty() || auth.size() != 2) {
                req.error("'auth' must be {\"header\": <name>, \"value\": <secret>} or null");
            } else if (!HEADER_NAME.matcher(auth.get("header").asText()).matches()
                    || RESERVED_HEADERS.contains(auth.get("header").asText().toLowerCase(Locale.ROOT))) {
                req.error("'auth.header' must be a header name the MCP transport does not set itself");
            } else if (transport == McpTransport.STDIO) {
                req.error("'auth' is for the HTTP transports, not stdio");
            } else if (!secrets.available()) {
                req.error("'auth' cannot be stored: this deployment has no FORGE_SECRET_KEY to encrypt it");
            } else {
                authHeader = auth.get("header").asText();
                authSecret = secrets.encrypt(auth.get("value").asText(), "mcp:" + id);
            }
        } else if (transport == McpTransport.STDIO) {
            authHeader = null;
            authSecret = null;
        }
        req.check();
        return new McpServerRecord(id, workspace, name, transport, transport == McpTransport.STDIO ? null : url,
                transport == McpTransport.STDIO ? command : null, transport == McpTransport.STDIO ? args : List.of(),
                authHeader, authSecret, "unknown", null, null, null, null, JsonValues.MAPPER.createArrayNode(),
                null, null);
    }

    private static List<String> args(Requests req, JsonNode node) {
        var out = new ArrayList<String>();
        if (node.isNull()) {
            return out;
        }
        if (!node.isArray() || node.size() > 64) {
            req.error("'args' must be an array of at most 64 strings");
            return out;
        }
        node.forEach(a -> {
            if (!a.isTextual()) {
                req.error("'args' must hold strings only");
            } else {
                out.add(a.asText());
            }
        });
        return out;
    }

    private static boolean httpUrl(String url) {
        try {
            var uri = URI.create(url);
            return uri.isAbsolute() && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** What the API shows of a server: everything except the secret, of which only whether it is set. */
    static ObjectNode view(McpServerRecord s) {
        var out = JsonValues.MAPPER.createObjectNode();
        out.put("id", s.id().toString());
        out.put("name", s.name());
        out.put("transport", s.transport().wire());
        if (s.transport() == McpTransport.STDIO) {
            out.put("command", s.command());
            out.set("args", JsonValues.MAPPER.valueToTree(s.args()));
        } else {
            out.put("url", s.url());
        }
        if (s.authHeader() != null) {
            out.putObject("auth").put("header", s.authHeader()).put("configured", s.authSecret() != null);
        } else {
            out.putNull("auth");
        }
        out.put("status", s.status());
        out.put("last_checked_at", s.lastCheckedAt() == null ? null : s.lastCheckedAt().toInstant().toString());
        out.put("last_error", s.lastError());
        if (s.latencyMs() == null) {
            out.putNull("latency_ms");
        } else {
            out.put("latency_ms", s.latencyMs());
        }
        out.set("server_info", s.serverInfo());
        var tools = out.putArray("tools");
        s.tools().forEach(t -> tools.add(s.toolName(t.path("name").asText())));
        out.put("created_at", s.createdAt().toInstant().toString());
        out.put("updated_at", s.updatedAt().toInstant().toString());
        return out;
    }

    private static ObjectNode toolsView(McpServerRecord server, JsonNode tools, McpConnector.Probe probe) {
        var out = JsonValues.MAPPER.createObjectNode();
        out.put("server", server.name());
        out.put("source", probe == null ? "last_check" : "live");
        var list = out.putArray("tools");
        tools.forEach(t -> list.addObject().put("name", server.toolName(t.path("name").asText()))
                .put("tool", t.path("name").asText()).put("description", t.path("description").asText(""))
                .set("input_schema", t.path("input_schema")));
        return out;
    }
}
