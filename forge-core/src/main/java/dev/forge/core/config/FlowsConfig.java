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

    /**
     * How many flow versions loaded from {@code flow_versions} (pinned by runs, made through the API) stay parsed in
     * memory; the least recently used leave first and are parsed again when needed. System flows always stay.
     */
    @WithDefault("1000")
    int versionCacheSize();
}
