package dev.forge.gateway.config;

import java.util.List;
import java.util.Optional;

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

    /**
     * The flows (graphs) given a default assistant in every workspace when assistants are searched, as LangGraph's
     * server makes one per graph of its langgraph.json; every flow when unset. Naming any flow as an assistant_id
     * still finds (or makes) its default assistant.
     */
    Optional<List<String>> graphs();

    /** Interface that port listens on. */
    @WithDefault("0.0.0.0")
    String host();
}
