package dev.forge.core.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Search in PostgreSQL with pgvector: a {@code vector} column beside the stored bytes, an HNSW index for cosine
 * distance, and the namespace filters applied to the index's candidates.
 */
public final class PgvectorMemoryIndex implements MemoryIndex {

    private final MemoryStore store;

    PgvectorMemoryIndex(MemoryStore store) {
        this.store = store;
    }

    /** Adds the column and the HNSW index if missing and fills the column for rows stored before. */
    static Uni<Void> prepare(MemoryStore store, int dimensions) {
        var pool = store.pool();
        return pool.query("CREATE EXTENSION IF NOT EXISTS vector").execute()
                .flatMap(x -> pool.query("ALTER TABLE memories ADD COLUMN IF NOT EXISTS embedding_vec vector("
                        + dimensions + ")").execute())
                .flatMap(x -> pool.query("CREATE INDEX IF NOT EXISTS idx_memories_embedding_hnsw ON memories "
                        + "USING hnsw (embedding_vec vector_cosine_ops)").execute())
                .flatMap(x -> pool.query("SELECT id, embedding FROM memories WHERE embedding_vec IS NULL").execute())
                .flatMap(rows -> {
                    var batch = new ArrayList<Tuple>();
                    rows.forEach(r -> batch.add(Tuple.of(Vectors.pgvector(Vectors.floats(r.getBuffer("embedding")
                            .getBytes())), r.getUUID("id"))));
                    return batch.isEmpty() ? Uni.createFrom().voidItem() : pool.preparedQuery("UPDATE memories SET "
                            + "embedding_vec = $1::vector WHERE id = $2").executeBatch(batch).replaceWithVoid();
                })
                .invoke(store::usePgvector);
    }

    @Override
    public String kind() {
        return "pgvector";
    }

    @Override
    public Uni<List<MemoryHit>> search(String workspace, float[] query, String model, MemoryFilter filter, int k) {
        return store.pool().preparedQuery("SELECT id, workspace_id, assistant_id, session_id, content, "
                + "metadata::text AS metadata, created_at, expires_at, 1 - (embedding_vec <=> $2::vector) AS score "
                + "FROM memories WHERE workspace_id = $1 AND embedding_model = $3 "
                + "AND ($4::text IS NULL OR assistant_id = $4) AND ($5::text IS NULL OR session_id = $5) "
                + "AND (expires_at IS NULL OR expires_at > clock_timestamp()) "
                + "ORDER BY embedding_vec <=> $2::vector LIMIT $6")
                .execute(Tuple.from(Arrays.asList(workspace, Vectors.pgvector(query), model, filter.assistantId(),
                        filter.sessionId(), k)))
                .map(rows -> {
                    var out = new ArrayList<MemoryHit>();
                    rows.forEach(r -> out.add(new MemoryHit(MemoryStore.memory(r), r.getDouble("score"))));
                    return out;
                });
    }
}
