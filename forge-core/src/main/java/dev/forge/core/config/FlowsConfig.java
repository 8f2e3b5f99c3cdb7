package dev.forge.core.config;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where system flows live. */
@ConfigMapping(prefix = "forge.flows")
public interface FlowsConfig {

    /** Directories scanned for *.yaml flow blueprints at start-up (comma-separated). */
    @WithDefault("config/flows")
    List<String> dirs();
}
