package dev.forge.core.memory;

/** A search result: the memory and its cosine similarity to the query (1 is the same direction). */
public record MemoryHit(Memory memory, double score) {
}
