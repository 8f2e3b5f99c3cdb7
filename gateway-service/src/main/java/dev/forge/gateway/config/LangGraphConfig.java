package dev.forge.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The LangGraph-compatible API: always under /lg on the HTTP port, and at the root of a port of its own. */
@ConfigMapping(prefix = "forge.langgraph")
public interface LangGraphConfig {

    /**
     * Port serving LangGraph's API at its root, where LangGraph clients look by default (8123, as `langgraph dev`);
     * 0 serves it only under /lg on the gateway's HTTP port.
     */
    @WithDefault("8123")
    int port();

    /** Interface that port listens on. */
    @WithDefault("0.0.0.0")
    String host();
}
