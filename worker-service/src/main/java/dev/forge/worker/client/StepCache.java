package dev.forge.worker.client;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.worker.config.CacheConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Redis copy of each committed step's state, per run and step, with a TTL. Written only after the step's PostgreSQL
 * transaction committed, so a cached state is always a committed one; resume reads it before falling back to
 * PostgreSQL. Redis being down or slow never fails a run: the call times out, counts a miss, and PostgreSQL serves.
 */
@ApplicationScoped
public class StepCache {

    private final CacheRegion region;

    public StepCache(ReactiveRedisDataSource redis, CacheConfig config, MeterRegistry registry) {
        this.region = new CacheRegion("step", redis.value(String.class, String.class), config.enabled(),
                config.stepTtl(), config.timeout(), registry);
    }

    static String key(UUID runId, int step) {
        return "forge:step:" + runId + ":" + step;
    }

    /** Caches a committed state; fire and forget — the run never waits for Redis. */
    public void put(UUID runId, int step, String stateJson) {
        region.put(key(runId, step), stateJson);
    }

    /** The cached state of a step, or empty on a miss, a timeout or Redis being down. */
    public Uni<Optional<String>> get(UUID runId, int step) {
        return region.get(key(runId, step));
    }

    public double hits() {
        return region.hits();
    }

    public double misses() {
        return region.misses();
    }

    public double errors() {
        return region.errors();
    }
}
