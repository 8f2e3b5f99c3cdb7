package dev.forge.worker.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Tool calls: the HTTP fetch allowlist and limits, and the bounds of the tool-call loop in llm executors. */
@ConfigMapping(prefix = "forge.tools")
public interface ToolsConfig {

    /**
     * Hosts {@code http_fetch} may reach: names ({@code api.example.com}), wildcards ({@code *.example.com}) or
     * {@code host:port}. Empty (the default) refuses every fetch.
     */
    Optional<List<String>> httpAllow();

    /** Largest response body http_fetch reads; the rest is cut and marked truncated. */
    @WithDefault("1048576")
    int httpMaxBytes();

    @WithDefault("10s")
    Duration httpTimeout();

    /** Longest one tool call may take. */
    @WithDefault("30s")
    Duration callTimeout();

    /** Most model turns of the tool-call loop in one llm step (each turn may call several tools). */
    @WithDefault("5")
    int maxIterations();
}
