package dev.forge.core.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How Forge talks to registered MCP servers. */
@ConfigMapping(prefix = "forge.mcp")
public interface McpConfig {

    /** Longest wait for initialize, tools/list or one tools/call. */
    @WithDefault("30s")
    Duration requestTimeout();

    /** How often the registry's health (initialize + tools/list) is refreshed; 0 turns refreshing off. */
    @WithDefault("30s")
    Duration healthInterval();

    /**
     * Whether servers with the stdio transport may be registered and started. A stdio server is a command this
     * service runs, so a cluster that must not run commands named over the API turns it off.
     */
    @WithDefault("true")
    boolean stdioEnabled();

    /**
     * When this service runs as root, the unprivileged user (uid = gid, no account needed) its stdio servers run as;
     * each server gets a home of its own under {@code java.io.tmpdir/forge-mcp}, and an environment with nothing of
     * this service's but PATH and the locale.
     */
    @WithDefault("61999")
    int stdioUid();
}
