package dev.forge.core.memory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.config.MemoryConfig;
import io.smallrye.mutiny.Uni;

/**
 * Long-term memory for the gateway's API and the workers' executors: remember a text (embedded, stored with the
 * workspace's namespace and retention), recall the most similar ones. The search index is chosen once, on first use:
 * pgvector when configured or available, otherwise the plain path.
 */
@ApplicationScoped
public class MemoryService {

    private static final Logger LOG = Logger.getLogger(MemoryService.class);

    private final MemoryStore store;
    private final MemoryEmbedder embedder;
    private final MemoryConfig config;
    private final Uni<MemoryIndex> index;

    public MemoryService(MemoryStore store, MemoryEmbedder embedder, MemoryConfig config) {
        this.store = store;
        this.embedder = embedder;
        this.config = config;
        this.index = Uni.createFrom().deferred(this::chooseIndex).memoize().indefinitely();
    }

    private Uni<MemoryIndex> chooseIndex() {
        String wanted = config.index();
        if ("plain".equals(wanted)) {
            return Uni.createFrom().item(new ScanMemoryIndex(store));
        }
        return store.pool().query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").execute()
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        if ("pgvector".equals(wanted)) {
                            return Uni.createFrom().failure(new IllegalStateException("forge.memory.index=pgvector "
                                    + "but PostgreSQL has no 'vector' extension available"));
                        }
                        LOG.info("Memory search: plain PostgreSQL path (no pgvector extension available)");
                        return Uni.createFrom().item(new ScanMemoryIndex(store));
                    }
                    return embedder.embed("dimensions").flatMap(probe -> PgvectorMemoryIndex.prepare(store,
                            probe.length)).map(x -> {
                                LOG.info("Memory search: pgvector with an HNSW index");
                                return new PgvectorMemoryIndex(store);
                            });
                });
    }

    /** Which search path is in use: plain or pgvector. */
    public Uni<String> indexKind() {
        return index.map(MemoryIndex::kind);
    }

    public int maxContentChars() {
        return config.maxContentChars();
    }

    /**
     * Embeds and stores a text. {@code ttl} overrides the configured retention (null: the configured one). With a
     * given id, storing twice keeps the first.
     */
    public Uni<Memory> remember(UUID id, String workspace, String assistantId, String sessionId, String content,
            JsonNode metadata, Duration ttl) {
        var memory = new Memory(id == null ? UUID.randomUUID() : id, workspace, assistantId, sessionId, content,
                metadata, null, null);
        Duration keep = ttl != null ? ttl : config.ttl().orElse(null);
        // the index first: a pgvector store writes its column from the start
        return index.flatMap(i -> embedder.embed(content))
                .flatMap(vector -> store.insert(memory, vector, embedder.modelName(), keep))
                .flatMap(x -> store.get(workspace, memory.id()))
                .map(Optional::orElseThrow);
    }

    public Uni<List<MemoryHit>> recall(String workspace, String query, MemoryFilter filter, int k) {
        return embedder.embed(query).flatMap(vector -> search(workspace, vector, filter, k));
    }

    /** A search with a query vector already embedded (unit length, same model). */
    public Uni<List<MemoryHit>> search(String workspace, float[] vector, MemoryFilter filter, int k) {
        return index.flatMap(i -> i.search(workspace, vector, embedder.modelName(), filter, k));
    }

    public Uni<Optional<Memory>> get(String workspace, UUID id) {
        return store.get(workspace, id);
    }

    public Uni<List<Memory>> list(String workspace, MemoryFilter filter, int limit, int offset) {
        return store.list(workspace, filter, limit, offset);
    }

    public Uni<Boolean> forget(String workspace, UUID id) {
        return store.delete(workspace, id);
    }

    /** Expired memories and namespaces over their limit; tombstones kept a day (caches reload long before). */
    public Uni<Integer> prune() {
        return store.prune(config.maxItemsPerNamespace(), Duration.ofDays(1));
    }
}
