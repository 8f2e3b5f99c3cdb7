package dev.forge.gateway.repository;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Sessions: a conversation with one assistant; its runs execute one at a time, in order. */
@ApplicationScoped
public class SessionRepository {

    static final String COLUMNS = "id, workspace_id, assistant_id, metadata::text AS metadata, status, "
            + "created_at, updated_at";

    private final Pool pool;

    public SessionRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<ObjectNode> insert(SqlClient client, UUID id, String workspace, UUID assistantId, JsonNode metadata) {
        return client.preparedQuery("INSERT INTO sessions (id, workspace_id, assistant_id, metadata) "
                + "VALUES ($1, $2, $3, $4::text::jsonb) RETURNING " + COLUMNS)
                .execute(Tuple.of(id, workspace, assistantId, metadata.toString()))
                .map(rows -> view(rows.iterator().next()));
    }

    public Uni<ObjectNode> insert(UUID id, String workspace, UUID assistantId, JsonNode metadata) {
        return insert(pool, id, workspace, assistantId, metadata);
    }

    /**
     * Binds an unbound session to the assistant of its first run (inside that run's transaction, the session row
     * locked); the assistant the session is bound to afterwards — another one when a concurrent first run won.
     */
    public Uni<UUID> bind(SqlClient tx, UUID id, UUID assistantId) {
        return tx.preparedQuery("UPDATE sessions SET assistant_id = COALESCE(assistant_id, $2), updated_at = now() "
                + "WHERE id = $1 RETURNING assistant_id").execute(Tuple.of(id, assistantId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getUUID(0) : null);
    }

    /** Replaces the session's metadata with its merge with {@code patch} (top-level keys). */
    public Uni<Optional<ObjectNode>> mergeMetadata(String workspace, UUID id, JsonNode patch) {
        return pool.preparedQuery("UPDATE sessions SET metadata = metadata || $3::text::jsonb, updated_at = now() "
                + "WHERE id = $1 AND workspace_id = $2 RETURNING " + COLUMNS)
                .execute(Tuple.of(id, workspace, patch.toString()))
                .map(rows -> Rows.first(rows, SessionRepository::view));
    }

    public Uni<Optional<ObjectNode>> find(String workspace, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM sessions WHERE id = $1 AND workspace_id = $2")
                .execute(Tuple.of(id, workspace))
                .map(rows -> Rows.first(rows, SessionRepository::view));
    }

    /** Newest first, filtered by assistant, status and metadata (JSON containment). */
    public Uni<List<ObjectNode>> list(String workspace, UUID assistantId, String status, JsonNode metadata, int limit,
            int offset) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM sessions WHERE workspace_id = $1 "
                + "AND ($2::uuid IS NULL OR assistant_id = $2) AND ($3::text IS NULL OR status = $3) "
                + "AND ($4::text IS NULL OR metadata @> $4::text::jsonb) "
                + "ORDER BY created_at DESC, id LIMIT $5 OFFSET $6")
                .execute(Tuple.from(Arrays.asList(workspace, assistantId, status,
                        metadata == null ? null : metadata.toString(), limit, offset)))
                .map(rows -> Rows.list(rows, SessionRepository::view));
    }

    /** Messages of every run of the session, in the order they were written. */
    public Uni<List<ObjectNode>> messages(UUID sessionId) {
        return pool.preparedQuery("SELECT m.run_id, m.seq, m.role, m.executor_id, m.content::text AS content, "
                + "m.created_at FROM messages m WHERE m.session_id = $1 ORDER BY m.id")
                .execute(Tuple.of(sessionId))
                .map(rows -> Rows.list(rows, r -> {
                    var node = RunRepository.messageView(r);
                    node.put("run_id", r.getUUID("run_id").toString());
                    return node;
                }));
    }

    static ObjectNode view(Row r) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", r.getUUID("id").toString());
        node.put("workspace_id", r.getString("workspace_id"));
        // null until the session's first run names its assistant (a thread created through the LangGraph API)
        var assistant = r.getUUID("assistant_id");
        node.put("assistant_id", assistant == null ? null : assistant.toString());
        node.set("metadata", Rows.json(r, "metadata"));
        node.put("status", r.getString("status"));
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(node, "updated_at", r.getOffsetDateTime("updated_at"));
        return node;
    }
}
