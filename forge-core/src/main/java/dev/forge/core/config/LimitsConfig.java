package dev.forge.core.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Default limits on runs, per workspace and per assistant; a platform admin overrides them for one workspace or
 * assistant through the API ({@code run_limits}). 0: no limit. The gateway enforces the rates when runs are created,
 * workers the concurrency when they claim.
 */
@ConfigMapping(prefix = "forge.limits")
public interface LimitsConfig {

    Scope workspace();

    Scope assistant();

    /** No default limits (for a queue used outside CDI, e.g. the benchmarks): only those set through the API. */
    static LimitsConfig none() {
        Scope unlimited = new Scope() {
            @Override
            public int maxConcurrent() {
                return 0;
            }

            @Override
            public int runsPerMinute() {
                return 0;
            }
        };
        return new LimitsConfig() {
            @Override
            public Scope workspace() {
                return unlimited;
            }

            @Override
            public Scope assistant() {
                return unlimited;
            }
        };
    }

    interface Scope {

        /** Runs executing at once (waiting for a person does not count). */
        @WithDefault("0")
        int maxConcurrent();

        /** Runs created in any 60 seconds. */
        @WithDefault("0")
        int runsPerMinute();
    }
}
