package dev.forge.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import dev.forge.core.json.JsonValues;
import dev.forge.core.memory.MemoryEmbedder;
import dev.forge.core.memory.MemoryFilter;
import dev.forge.core.memory.MemoryStore;
import dev.forge.core.memory.ScanMemoryIndex;
import dev.forge.core.memory.Vectors;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * M1: memory search latency on the plain path, at 10,000 and 100,000 memories in one workspace (384-dimension unit
 * vectors, as all-MiniLM-L6-v2 makes). Each search is what a service does: catch up with PostgreSQL (one indexed
 * query), then scan. Also the cold first search (loading the workspace) and the in-process embedding time of a query.
 * Prints one JSON line. {@code MemoryBench [searches=1000]}
 */
public final class MemoryBench {

    private static final String DB = System.getenv().getOrDefault("FORGE_BENCH_DB", "forge_bench_memory");
    private static final int DIMENSIONS = 384;

    private MemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int searches = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Vertx vertx = Vertx.vertx();
        var out = new LinkedHashMap<String, Object>();
        out.put("workload", "M1");
        try {
            BenchDb.fresh(vertx, DB);
            var pool = BenchDb.pool(vertx, DB, 4);
            var store = new MemoryStore(pool);
            var random = new Random(42);
            for (int size : new int[] {10_000, 100_000}) {
                String workspace = "bench-" + size;
                insert(pool, workspace, size, random);
                var index = new ScanMemoryIndex(store);
                long t0 = System.nanoTime();
                index.search(workspace, vector(random), MemoryEmbedder.LOCAL_MODEL, MemoryFilter.ANY, 5).await()
                        .atMost(BenchDb.WAIT);
                out.put("memories_" + label(size) + "_cold_ms", ms(System.nanoTime() - t0));
                for (int i = 0; i < 200; i++) {
                    index.search(workspace, vector(random), MemoryEmbedder.LOCAL_MODEL, MemoryFilter.ANY, 5).await()
                            .atMost(BenchDb.WAIT);
                }
                var latencies = new double[searches];
                for (int i = 0; i < searches; i++) {
                    var query = vector(random);
                    long start = System.nanoTime();
                    var hits = index.search(workspace, query, MemoryEmbedder.LOCAL_MODEL, MemoryFilter.ANY, 5)
                            .await().atMost(BenchDb.WAIT);
                    latencies[i] = (System.nanoTime() - start) / 1e6;
                    if (hits.size() != 5) {
                        throw new IllegalStateException("expected 5 hits, got " + hits.size());
                    }
                }
                Arrays.sort(latencies);
                out.put("memories_" + label(size) + "_p50_ms", round(percentile(latencies, 0.50)));
                out.put("memories_" + label(size) + "_p99_ms", round(percentile(latencies, 0.99)));
            }
            pool.close().await().atMost(BenchDb.WAIT);
            embedding(out);
            System.out.println(JsonValues.MAPPER.writeValueAsString(out));
        } finally {
            vertx.closeAndAwait();
        }
        System.exit(0);
    }

    /** Query embedding with the in-process model: first call (loads the model), then p50 / p99 of 200 sentences. */
    private static void embedding(LinkedHashMap<String, Object> out) {
        var embedder = MemoryEmbedder.local();
        long t0 = System.nanoTime();
        embedder.embed("warming up the model").await().atMost(Duration.ofMinutes(2));
        out.put("embed_first_ms", ms(System.nanoTime() - t0));
        var latencies = new double[200];
        for (int i = 0; i < latencies.length; i++) {
            String text = "Which colour does customer " + i + " prefer for the quarterly report banner?";
            long start = System.nanoTime();
            embedder.embed(text).await().atMost(Duration.ofMinutes(1));
            latencies[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(latencies);
        out.put("embed_p50_ms", round(percentile(latencies, 0.50)));
        out.put("embed_p99_ms", round(percentile(latencies, 0.99)));
    }

    private static void insert(Pool pool, String workspace, int size, Random random) {
        for (int done = 0; done < size; done += 1000) {
            var batch = new ArrayList<Tuple>();
            for (int i = done; i < Math.min(size, done + 1000); i++) {
                batch.add(Tuple.from(List.of(UUID.randomUUID(), workspace, "memory number " + i,
                        Buffer.buffer(Vectors.bytes(vector(random))))));
            }
            pool.preparedQuery("INSERT INTO memories (id, workspace_id, assistant_id, content, embedding, "
                    + "embedding_model) VALUES ($1, $2, 'bench', $3, $4, '" + MemoryEmbedder.LOCAL_MODEL + "')")
                    .executeBatch(batch).await().atMost(BenchDb.WAIT);
        }
    }

    private static float[] vector(Random random) {
        var v = new float[DIMENSIONS];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.normalized(v);
    }

    private static String label(int size) {
        return size / 1000 + "k";
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
