package dev.forge.core.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.smallrye.mutiny.Uni;

/**
 * The plain-PostgreSQL path: PostgreSQL holds the memories; each searching service keeps a workspace's vectors (and
 * namespaces, expiry) in memory and catches up before every search with one indexed query for what changed after the
 * last change it applied (rows by number, deletions by tombstone), then reads the texts of the top k. The search
 * itself is an exact scan: 10,000 memories of 384 dimensions are under 4 million multiply-adds, a few milliseconds —
 * cosine computed in SQL over 10,000 arrays took 1.4-1.8 s on the same machine. The cache costs about 1.6 KB per
 * memory.
 */
public final class ScanMemoryIndex implements MemoryIndex {

    /**
     * Changes younger than this may still have lower-numbered neighbours about to commit (a number is taken at
     * insert, visible at commit), so the cache re-reads them until they are older.
     */
    static final Duration SETTLE = Duration.ofSeconds(2);
    /** A cache unused this long is dropped (and reloaded on the next search), well within tombstone retention. */
    static final Duration IDLE = Duration.ofMinutes(30);

    /** Changes read per query while catching up. */
    static final int PAGE = 5_000;

    private final MemoryStore store;
    private final Map<String, WorkspaceVectors> workspaces = new ConcurrentHashMap<>();

    public ScanMemoryIndex(MemoryStore store) {
        this.store = store;
    }

    @Override
    public String kind() {
        return "plain";
    }

    @Override
    public Uni<List<MemoryHit>> search(String workspace, float[] query, String model, MemoryFilter filter, int k) {
        long now = System.currentTimeMillis();
        workspaces.entrySet().removeIf(e -> now - e.getValue().lastUsed > IDLE.toMillis());
        var vectors = workspaces.computeIfAbsent(workspace + "\u0000" + model, key -> new WorkspaceVectors());
        vectors.lastUsed = now;
        return catchUp(workspace, model, vectors)
                .flatMap(x -> {
                    var top = vectors.top(query, filter, k, System.currentTimeMillis());
                    return store.byIds(workspace, top.stream().map(Scored::id).toList()).map(found -> {
                        var hits = new ArrayList<MemoryHit>(top.size());
                        // a memory deleted since the scan is left out
                        top.forEach(s -> {
                            var memory = found.get(s.id());
                            if (memory != null) {
                                hits.add(new MemoryHit(memory, s.score()));
                            }
                        });
                        return hits;
                    });
                });
    }

    /** Applies what changed, a page at a time (a cold workspace loads in pages, not in one result). */
    private Uni<Void> catchUp(String workspace, String model, WorkspaceVectors vectors) {
        return store.changes(workspace, vectors.cursor(), vectors.seen(), model, PAGE).flatMap(changes -> {
            long before = vectors.cursor();
            vectors.apply(changes);
            // a full page may have more behind it; stop when the cursor cannot move (young changes hold it)
            return changes.size() == PAGE && vectors.cursor() > before ? catchUp(workspace, model, vectors)
                    : Uni.createFrom().voidItem();
        });
    }

    /** A candidate of the scan: the id and its cosine similarity. */
    record Scored(UUID id, double score) {
    }

    /**
     * One workspace's memories of one embedding model, kept in step with PostgreSQL: vectors in one flat array (a scan
     * reads memory in order), namespaces and expiry beside them.
     */
    static final class WorkspaceVectors {
        private final Map<UUID, Integer> positions = new HashMap<>();
        private UUID[] ids = new UUID[16];
        private String[] assistants = new String[16];
        private String[] sessions = new String[16];
        private long[] expires = new long[16];
        private float[] vectors = new float[0];
        private int dimensions = -1;
        private int size;
        /** Every change up to here is applied and no lower number can still commit. */
        private long cursor;
        /** The highest number applied (young changes above the cursor are read again, without their vectors). */
        private long seen;
        volatile long lastUsed;

        synchronized long cursor() {
            return cursor;
        }

        synchronized long seen() {
            return seen;
        }

        /** Applies changes in number order (idempotent: young changes read again change nothing). */
        synchronized void apply(List<MemoryStore.Change> changes) {
            long settledUpTo = cursor;
            boolean unsettledSeen = false;
            for (var c : changes) {
                if (c.seq() <= cursor) {
                    // a concurrent search applied a newer batch already, in order
                    continue;
                }
                if (c.deleted()) {
                    remove(c.id());
                } else if (c.embedding() != null) {
                    put(c);
                }
                seen = Math.max(seen, c.seq());
                if (c.ageMillis() >= SETTLE.toMillis() && !unsettledSeen) {
                    settledUpTo = Math.max(settledUpTo, c.seq());
                } else {
                    unsettledSeen = true;
                }
            }
            cursor = settledUpTo;
        }

        private void put(MemoryStore.Change c) {
            if (dimensions < 0) {
                dimensions = c.embedding().length;
            }
            if (c.embedding().length != dimensions) {
                return;
            }
            Integer at = positions.get(c.id());
            if (at == null) {
                at = size++;
                grow();
                positions.put(c.id(), at);
            }
            ids[at] = c.id();
            assistants[at] = c.assistantId();
            sessions[at] = c.sessionId();
            expires[at] = c.expiresAt() == null ? Long.MAX_VALUE : c.expiresAt();
            System.arraycopy(c.embedding(), 0, vectors, at * dimensions, dimensions);
        }

        private void grow() {
            if (size > ids.length) {
                // 1.5x: at 100,000 memories the vectors are 150 MB, and old and new array coexist while copying
                int capacity = ids.length + (ids.length >> 1);
                ids = Arrays.copyOf(ids, capacity);
                assistants = Arrays.copyOf(assistants, capacity);
                sessions = Arrays.copyOf(sessions, capacity);
                expires = Arrays.copyOf(expires, capacity);
            }
            if ((long) size * dimensions > vectors.length) {
                vectors = Arrays.copyOf(vectors, ids.length * dimensions);
            }
        }

        /** Swap-remove: the last memory moves into the freed slot. */
        private void remove(UUID id) {
            Integer at = positions.remove(id);
            if (at == null) {
                return;
            }
            int last = --size;
            if (at != last) {
                ids[at] = ids[last];
                assistants[at] = assistants[last];
                sessions[at] = sessions[last];
                expires[at] = expires[last];
                System.arraycopy(vectors, last * dimensions, vectors, at * dimensions, dimensions);
                positions.put(ids[at], at);
            }
            ids[last] = null;
            assistants[last] = null;
            sessions[last] = null;
        }

        synchronized List<Scored> top(float[] query, MemoryFilter filter, int k, long now) {
            var best = new PriorityQueue<Scored>(k + 1, Comparator.comparingDouble(Scored::score));
            if (query.length != dimensions) {
                return List.of();
            }
            float[] data = vectors;
            for (int i = 0; i < size; i++) {
                if (expires[i] <= now || !filter.matches(assistants[i], sessions[i])) {
                    continue;
                }
                double score = dot(query, data, i * dimensions);
                if (best.size() < k) {
                    best.add(new Scored(ids[i], score));
                } else if (score > best.peek().score()) {
                    best.poll();
                    best.add(new Scored(ids[i], score));
                }
            }
            var out = new ArrayList<>(best);
            out.sort(Comparator.comparingDouble(Scored::score).reversed());
            return out;
        }

        /** Four running sums: independent additions the CPU can overlap. */
        private static double dot(float[] q, float[] data, int offset) {
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int n = q.length;
            int i = 0;
            for (; i + 3 < n; i += 4) {
                s0 += q[i] * data[offset + i];
                s1 += q[i + 1] * data[offset + i + 1];
                s2 += q[i + 2] * data[offset + i + 2];
                s3 += q[i + 3] * data[offset + i + 3];
            }
            for (; i < n; i++) {
                s0 += q[i] * data[offset + i];
            }
            return (double) s0 + s1 + s2 + s3;
        }
    }
}
