package dev.forge.core.memory;

import java.util.List;

import io.smallrye.mutiny.Uni;

/** Semantic search over a workspace's memories: the k most similar by cosine, best first. */
public interface MemoryIndex {

    /** {@code plain} or {@code pgvector}. */
    String kind();

    Uni<List<MemoryHit>> search(String workspace, float[] query, String model, MemoryFilter filter, int k);
}
