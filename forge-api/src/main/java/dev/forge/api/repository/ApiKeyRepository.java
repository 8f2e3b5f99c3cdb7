package dev.forge.api.repository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** API keys by hash; the secret itself is never stored. */
@ApplicationScoped
public class ApiKeyRepository {

    /** A live key found by its hash. */
    public record KeyRow(UUID id, String workspace, String role, String prefix) {
    }

    private static final String COLUMNS = "id, workspace_id, name, role, key_prefix, created_by, created_at, "
            + "revoked_at";

    private final Pool pool;

    public ApiKeyRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<ObjectNode> insert(UUID id, String workspace, String name, String role, String prefix, String hash,
            UUID createdBy) {
        return pool.preparedQuery("INSERT INTO api_keys (id, workspace_id, name, role, key_prefix, key_hash, "
                + "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS)
                .execute(Tuple.from(java.util.Arrays.asList(id, workspace, name, role, prefix, hash, createdBy)))
                .map(rows -> view(rows.iterator().next()));
    }

    /** Inserts the bootstrap key unless a key with that hash exists; true when inserted. */
    public Uni<Boolean> insertIfAbsent(String workspace, String name, String role, String prefix, String hash) {
        return pool.preparedQuery("INSERT INTO api_keys (id, workspace_id, name, role, key_prefix, key_hash) "
                + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key_hash) DO NOTHING")
                .execute(Tuple.from(List.of(UUID.randomUUID(), workspace, name, role, prefix, hash)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Optional<KeyRow>> findLive(String hash) {
        return pool.preparedQuery("SELECT id, workspace_id, role, key_prefix FROM api_keys "
                + "WHERE key_hash = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(hash))
                .map(rows -> Rows.first(rows, r -> new KeyRow(r.getUUID("id"), r.getString("workspace_id"),
                        r.getString("role"), r.getString("key_prefix"))));
    }

    public Uni<List<ObjectNode>> list(String workspace, int limit, int offset) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE workspace_id = $1 "
                + "ORDER BY created_at DESC, id LIMIT $2 OFFSET $3").execute(Tuple.of(workspace, limit, offset))
                .map(rows -> Rows.list(rows, ApiKeyRepository::view));
    }

    /** Revokes a live key of the workspace; false when there is none. */
    public Uni<Boolean> revoke(String workspace, UUID id) {
        return pool.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND workspace_id = $2 "
                + "AND revoked_at IS NULL").execute(Tuple.of(id, workspace)).map(rows -> rows.rowCount() == 1);
    }

    static ObjectNode view(Row r) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", r.getUUID("id").toString());
        node.put("workspace_id", r.getString("workspace_id"));
        node.put("name", r.getString("name"));
        node.put("role", r.getString("role"));
        node.put("prefix", r.getString("key_prefix"));
        var by = r.getUUID("created_by");
        node.put("created_by", by == null ? null : by.toString());
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(node, "revoked_at", r.getOffsetDateTime("revoked_at"));
        return node;
    }
}
