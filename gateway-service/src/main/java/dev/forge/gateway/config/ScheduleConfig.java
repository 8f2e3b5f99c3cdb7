package dev.forge.gateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How gateways fire schedules. */
@ConfigMapping(prefix = "forge.schedules")
public interface ScheduleConfig {

    /** How often each gateway looks for due ticks (0 turns this gateway's firing off). */
    @WithDefault("1s")
    Duration pollInterval();

    /** A tick fired later than this after its time is a misfire: the schedule's misfire_policy applies. */
    @WithDefault("60s")
    Duration misfireGrace();

    /** Most due ticks one poll takes. */
    @WithDefault("50")
    int batch();
}
