package dev.forge.core.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.forge.core.json.JsonValues;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Memories in PostgreSQL. Deletions (by request or by the pruner) leave tombstones in the same statement, so a search
 * cache can follow what changed; every query names its workspace.
 */
@ApplicationScoped
public class MemoryStore {

    private static final String COLUMNS = "id, workspace_id, assistant_id, session_id, content, "
            + "metadata::text AS metadata, created_at, expires_at";

    /**
     * A row or a deletion after some change number, for a search cache to apply in {@code seq} order: what a search
     * needs (namespace, expiry, vector), not the text, which is read for the hits only.
     */
    public record Change(long seq, UUID id, boolean deleted, String assistantId, String sessionId, Long expiresAt,
            float[] embedding, long ageMillis) {
    }

    private final Pool pool;
    private volatile boolean pgvector;

    public MemoryStore(Pool pool) {
        this.pool = pool;
    }

    /** Also writes the pgvector column (set once the index has made it). */
    void usePgvector() {
        this.pgvector = true;
    }

    Pool pool() {
        return pool;
    }

    /** Stores a memory; a second insert with the same id changes nothing (a retried step remembers once). */
    public Uni<Boolean> insert(Memory m, float[] embedding, String model, Duration ttl) {
        String vectorColumn = pgvector ? ", embedding_vec" : "";
        String vectorValue = pgvector ? ", $10::vector" : "";
        var params = new ArrayList<Object>(Arrays.asList(m.id(), m.workspace(), m.assistantId(), m.sessionId(),
                m.content(), m.metadata() == null ? "{}" : m.metadata().toString(),
                Buffer.buffer(Vectors.bytes(embedding)), model,
                ttl == null ? null : ttl.toMillis()));
        if (pgvector) {
            params.add(Vectors.pgvector(embedding));
        }
        return pool.preparedQuery("INSERT INTO memories (id, workspace_id, assistant_id, session_id, content, "
                + "metadata, embedding, embedding_model, expires_at" + vectorColumn + ") VALUES ($1, $2, $3, $4, $5, "
                + "$6::text::jsonb, $7, $8, CASE WHEN $9::bigint IS NULL THEN NULL ELSE clock_timestamp() "
                + "+ $9::bigint * interval '1 millisecond' END" + vectorValue + ") ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.from(params)).map(rows -> rows.rowCount() > 0);
    }

    public Uni<Optional<Memory>> get(String workspace, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM memories WHERE id = $1 AND workspace_id = $2 "
                + "AND (expires_at IS NULL OR expires_at > clock_timestamp())")
                .execute(Tuple.of(id, workspace)).map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Optional.of(memory(it.next())) : Optional.empty();
                });
    }

    /** Newest first. */
    public Uni<List<Memory>> list(String workspace, MemoryFilter filter, int limit, int offset) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM memories WHERE workspace_id = $1 "
                + "AND ($2::text IS NULL OR assistant_id = $2) AND ($3::text IS NULL OR session_id = $3) "
                + "AND (expires_at IS NULL OR expires_at > clock_timestamp()) "
                + "ORDER BY created_at DESC, id LIMIT $4 OFFSET $5")
                .execute(Tuple.from(Arrays.asList(workspace, filter.assistantId(), filter.sessionId(), limit,
                        offset)))
                .map(rows -> {
                    var out = new ArrayList<Memory>();
                    rows.forEach(r -> out.add(memory(r)));
                    return out;
                });
    }

    public Uni<Boolean> delete(String workspace, UUID id) {
        return pool.preparedQuery("WITH gone AS (DELETE FROM memories WHERE id = $1 AND workspace_id = $2 "
                + "RETURNING workspace_id, id) INSERT INTO memory_tombstones (workspace_id, memory_id) "
                + "SELECT workspace_id, id FROM gone")
                .execute(Tuple.of(id, workspace)).map(rows -> rows.rowCount() > 0);
    }

    /**
     * Removes expired memories and, per namespace, the oldest beyond {@code maxItems}; tombstones older than
     * {@code tombstoneAge} go too. The number of memories removed.
     */
    public Uni<Integer> prune(int maxItems, Duration tombstoneAge) {
        return pool.preparedQuery("WITH ranked AS (SELECT id, row_number() OVER (PARTITION BY workspace_id, "
                + "assistant_id, session_id ORDER BY created_at DESC, seq DESC) AS rank FROM memories), "
                + "gone AS (DELETE FROM memories m WHERE (m.expires_at IS NOT NULL AND m.expires_at <= clock_timestamp()) "
                + "OR m.id IN (SELECT id FROM ranked WHERE rank > $1) RETURNING m.workspace_id, m.id) "
                + "INSERT INTO memory_tombstones (workspace_id, memory_id) SELECT workspace_id, id FROM gone")
                .execute(Tuple.of(maxItems)).flatMap(rows -> pool.preparedQuery("DELETE FROM memory_tombstones "
                        + "WHERE deleted_at < clock_timestamp() - $1::bigint * interval '1 millisecond'")
                        .execute(Tuple.of(tombstoneAge.toMillis())).replaceWith(rows.rowCount()));
    }

    /**
     * Up to {@code limit} rows (of this embedding model) and deletions of a workspace numbered after {@code afterSeq},
     * in order, each with its age, so a cache knows which changes are old enough that no earlier number can still
     * commit. Rows numbered up to {@code seen} come without their embedding (the cache has it already).
     */
    public Uni<List<Change>> changes(String workspace, long afterSeq, long seen, String model, int limit) {
        return pool.preparedQuery("SELECT * FROM (SELECT seq, id, false AS deleted, assistant_id, session_id, "
                + "(extract(epoch FROM expires_at) * 1000)::bigint AS expires, "
                + "CASE WHEN seq > $5 THEN embedding END AS embedding, "
                + "(extract(epoch FROM clock_timestamp() - created_at) * 1000)::bigint AS age FROM memories "
                + "WHERE workspace_id = $1 AND seq > $2 AND embedding_model = $3 "
                + "UNION ALL SELECT seq, memory_id, true, NULL, NULL, NULL, NULL, "
                + "(extract(epoch FROM clock_timestamp() - deleted_at) * 1000)::bigint FROM memory_tombstones "
                + "WHERE workspace_id = $1 AND seq > $2) c ORDER BY seq LIMIT $4")
                .execute(Tuple.of(workspace, afterSeq, model, limit, seen)).map(rows -> {
                    var out = new ArrayList<Change>(rows.size());
                    for (Row r : rows) {
                        boolean deleted = r.getBoolean("deleted");
                        out.add(new Change(r.getLong("seq"), r.getUUID("id"), deleted, r.getString("assistant_id"),
                                r.getString("session_id"), r.getLong("expires"),
                                r.getBuffer("embedding") == null ? null
                                        : Vectors.floats(r.getBuffer("embedding").getBytes()),
                                r.getLong("age")));
                    }
                    return out;
                });
    }

    /** The live memories among {@code ids}, by id. */
    public Uni<Map<UUID, Memory>> byIds(String workspace, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM memories WHERE workspace_id = $1 AND id = ANY($2) "
                + "AND (expires_at IS NULL OR expires_at > clock_timestamp())")
                .execute(Tuple.of(workspace, ids.toArray(UUID[]::new))).map(rows -> {
                    var out = new HashMap<UUID, Memory>();
                    rows.forEach(r -> out.put(r.getUUID("id"), memory(r)));
                    return out;
                });
    }

    static Memory memory(Row r) {
        try {
            return new Memory(r.getUUID("id"), r.getString("workspace_id"), r.getString("assistant_id"),
                    r.getString("session_id"), r.getString("content"),
                    JsonValues.MAPPER.readTree(r.getString("metadata")), r.getOffsetDateTime("created_at"),
                    r.getOffsetDateTime("expires_at"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("memories.metadata does not parse", e);
        }
    }
}
