package dev.forge.core.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Long-term memory: how texts are embedded, how they are searched, and how long they are kept. */
@ConfigMapping(prefix = "forge.memory")
public interface MemoryConfig {

    Embedding embedding();

    /**
     * {@code auto} (pgvector when the {@code vector} extension is available, else plain), {@code plain} or
     * {@code pgvector}.
     */
    @WithDefault("auto")
    String index();

    /** How long a memory lives unless the request says otherwise; none by default. */
    Optional<Duration> ttl();

    /** Most memories one namespace (workspace, assistant, session) keeps; the pruner removes the oldest beyond. */
    @WithDefault("10000")
    int maxItemsPerNamespace();

    /** How often expired memories and namespaces over their limit are pruned. */
    @WithDefault("60s")
    Duration pruneInterval();

    /** Longest memory text accepted, in characters. */
    @WithDefault("8000")
    int maxContentChars();

    interface Embedding {

        /** {@code local} (all-MiniLM-L6-v2 in-process, 384 dimensions) or {@code openai} (an OpenAI-compatible API). */
        @WithDefault("local")
        String provider();

        /** The OpenAI-compatible endpoint, for provider {@code openai}. */
        @WithDefault("https://api.openai.com/v1")
        String baseUrl();

        Optional<String> apiKey();

        /** The embedding model, for provider {@code openai}. */
        @WithDefault("text-embedding-3-small")
        String model();

        @WithDefault("30s")
        Duration timeout();
    }
}
