package dev.forge.worker.client;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.forge.worker.config.CacheConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;

/**
 * Redis copy of each committed step's state, per run and step, with a TTL. Written only after the step's PostgreSQL
 * transaction committed, so a cached state is always a committed one; resume reads it before falling back to
 * PostgreSQL. Redis being down or slow never fails a run: the call times out, counts a miss, and PostgreSQL serves.
 */
@ApplicationScoped
public class StepCache {

    private static final Logger LOG = Logger.getLogger(StepCache.class);

    private final ReactiveValueCommands<String, String> values;
    private final CacheConfig config;
    private final Counter hits;
    private final Counter misses;
    private final Counter errors;

    public StepCache(ReactiveRedisDataSource redis, CacheConfig config, MeterRegistry registry) {
        this.values = redis.value(String.class, String.class);
        this.config = config;
        this.hits = Counter.builder("forge.cache.step").tag("result", "hit").register(registry);
        this.misses = Counter.builder("forge.cache.step").tag("result", "miss").register(registry);
        this.errors = Counter.builder("forge.cache.step").tag("result", "error").register(registry);
    }

    static String key(UUID runId, int step) {
        return "forge:step:" + runId + ":" + step;
    }

    /** Caches a committed state; fire and forget — the run never waits for Redis. */
    public void put(UUID runId, int step, String stateJson) {
        if (!config.enabled()) {
            return;
        }
        values.setex(key(runId, step), config.stepTtl().toSeconds(), stateJson)
                .ifNoItem().after(config.timeout()).fail()
                .subscribe().with(ok -> { }, e -> {
                    errors.increment();
                    LOG.debugf("step cache write failed: %s", e.getMessage());
                });
    }

    /** The cached state of a step, or empty on a miss, a timeout or Redis being down. */
    public Uni<Optional<String>> get(UUID runId, int step) {
        if (!config.enabled()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return values.get(key(runId, step))
                .ifNoItem().after(config.timeout()).fail()
                .map(value -> {
                    (value == null ? misses : hits).increment();
                    return Optional.ofNullable(value);
                })
                .onFailure().recoverWithItem(e -> {
                    errors.increment();
                    misses.increment();
                    LOG.debugf("step cache read failed (PostgreSQL serves): %s", e.getMessage());
                    return Optional.<String>empty();
                });
    }

    public double hits() {
        return hits.count();
    }

    public double misses() {
        return misses.count();
    }

    public double errors() {
        return errors.count();
    }
}
