package dev.forge.core.mcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.core.secret.SecretResealer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The MCP server registry in PostgreSQL, one workspace at a time (the health refresher reads across them). */
@ApplicationScoped
public class McpServerStore {

    /** Where MCP servers' sealed auth headers live, resealed after a key rotation by the gateway, which writes them. */
    public static final SecretResealer.SealedColumn SEALED_AUTH = new SecretResealer.SealedColumn("mcp_servers",
            "id", "auth_secret", "mcp:");

    private static final String COLUMNS = "id, workspace_id, name, transport, url, command, args::text AS args, "
            + "auth_header, auth_secret, status, last_checked_at, last_error, latency_ms, "
            + "server_info::text AS server_info, tools::text AS tools, created_at, updated_at";

    private final Pool pool;

    public McpServerStore(Pool pool) {
        this.pool = pool;
    }

    /** Inserts a server; empty when the workspace already has one by that name. */
    public Uni<Optional<McpServerRecord>> insert(McpServerRecord s) {
        return pool.preparedQuery("INSERT INTO mcp_servers (id, workspace_id, name, transport, url, command, args, "
                + "auth_header, auth_secret) VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9) "
                + "ON CONFLICT (workspace_id, name) DO NOTHING RETURNING " + COLUMNS)
                .execute(Tuple.from(Arrays.asList(s.id(), s.workspace(), s.name(), s.transport().wire(), s.url(),
                        s.command(), json(s.args()), s.authHeader(), buffer(s.authSecret()))))
                .map(McpServerStore::first);
    }

    /**
     * Replaces a server's configuration (a changed configuration invalidates what the last check found); empty when
     * no such server, or when the new name is taken.
     */
    public Uni<Optional<McpServerRecord>> update(McpServerRecord s) {
        return pool.preparedQuery("UPDATE mcp_servers SET name = $3, transport = $4, url = $5, command = $6, "
                + "args = $7::text::jsonb, auth_header = $8, auth_secret = $9, status = 'unknown', "
                + "last_error = NULL, updated_at = clock_timestamp() WHERE id = $1 AND workspace_id = $2 "
                + "AND NOT EXISTS (SELECT 1 FROM mcp_servers o WHERE o.workspace_id = $2 AND o.name = $3 "
                + "AND o.id <> $1) RETURNING " + COLUMNS)
                .execute(Tuple.from(Arrays.asList(s.id(), s.workspace(), s.name(), s.transport().wire(), s.url(),
                        s.command(), json(s.args()), s.authHeader(), buffer(s.authSecret()))))
                .map(McpServerStore::first);
    }

    public Uni<List<McpServerRecord>> list(String workspace) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM mcp_servers WHERE workspace_id = $1 ORDER BY name")
                .execute(Tuple.of(workspace)).map(McpServerStore::all);
    }

    /** Every workspace's servers, for the health refresher. */
    public Uni<List<McpServerRecord>> listAll() {
        return pool.query("SELECT " + COLUMNS + " FROM mcp_servers ORDER BY workspace_id, name").execute()
                .map(McpServerStore::all);
    }

    public Uni<Optional<McpServerRecord>> find(String workspace, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM mcp_servers WHERE id = $1 AND workspace_id = $2")
                .execute(Tuple.of(id, workspace)).map(McpServerStore::first);
    }

    public Uni<Optional<McpServerRecord>> findByName(String workspace, String name) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM mcp_servers WHERE workspace_id = $1 AND name = $2")
                .execute(Tuple.of(workspace, name)).map(McpServerStore::first);
    }

    public Uni<Boolean> delete(String workspace, UUID id) {
        return pool.preparedQuery("DELETE FROM mcp_servers WHERE id = $1 AND workspace_id = $2")
                .execute(Tuple.of(id, workspace)).map(rows -> rows.rowCount() > 0);
    }

    /**
     * What a health check found. Written only if the configuration is still the one checked ({@code updatedAt}), so
     * a check racing an edit does not report on the old configuration.
     */
    public Uni<Optional<McpServerRecord>> recordHealth(McpServerRecord checked, McpConnector.Probe probe) {
        return pool.preparedQuery("UPDATE mcp_servers SET status = $3, last_checked_at = clock_timestamp(), "
                + "latency_ms = $4, last_error = $5, server_info = COALESCE($6::text::jsonb, server_info), "
                + "tools = COALESCE($7::text::jsonb, tools) WHERE id = $1 AND updated_at = $2 RETURNING " + COLUMNS)
                .execute(Tuple.from(Arrays.asList(checked.id(), checked.updatedAt(), probe.ok() ? "healthy"
                        : "unhealthy", (int) probe.latencyMs(), probe.error(),
                        probe.serverInfo() == null ? null : probe.serverInfo().toString(),
                        probe.tools() == null ? null : probe.tools().toString())))
                .map(McpServerStore::first);
    }

    private static Optional<McpServerRecord> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(record(it.next())) : Optional.empty();
    }

    private static List<McpServerRecord> all(RowSet<Row> rows) {
        var out = new ArrayList<McpServerRecord>();
        rows.forEach(r -> out.add(record(r)));
        return out;
    }

    private static McpServerRecord record(Row r) {
        var args = new ArrayList<String>();
        parse(r.getString("args")).forEach(a -> args.add(a.asText()));
        Buffer secret = r.getBuffer("auth_secret");
        return new McpServerRecord(r.getUUID("id"), r.getString("workspace_id"), r.getString("name"),
                McpTransport.fromWire(r.getString("transport")).orElseThrow(), r.getString("url"),
                r.getString("command"), List.copyOf(args), r.getString("auth_header"),
                secret == null ? null : secret.getBytes(), r.getString("status"),
                r.getOffsetDateTime("last_checked_at"), r.getString("last_error"), r.getInteger("latency_ms"),
                r.getString("server_info") == null ? null : parse(r.getString("server_info")),
                parse(r.getString("tools")), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    private static JsonNode parse(String json) {
        try {
            return JsonValues.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("mcp_servers holds JSON that does not parse", e);
        }
    }

    private static String json(List<String> args) {
        return JsonValues.MAPPER.valueToTree(args == null ? List.of() : args).toString();
    }

    /** Parameters are encoded from the core Vert.x types, not the Mutiny wrappers. */
    private static io.vertx.core.buffer.Buffer buffer(byte[] bytes) {
        return bytes == null ? null : io.vertx.core.buffer.Buffer.buffer(bytes);
    }
}
