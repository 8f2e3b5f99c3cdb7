package dev.forge.worker.client;

import java.time.Duration;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;

/**
 * One kind of value cached in Redis with a TTL, counted as {@code forge.cache.<name>{result=hit|miss|error}}. Redis
 * being down or slow never fails a caller: a call past the timeout counts an error and a miss, writes are fire and
 * forget.
 */
final class CacheRegion {

    private static final Logger LOG = Logger.getLogger(CacheRegion.class);

    private final ReactiveValueCommands<String, String> values;
    private final boolean enabled;
    private final Duration ttl;
    private final Duration timeout;
    private final Counter hits;
    private final Counter misses;
    private final Counter errors;

    CacheRegion(String name, ReactiveValueCommands<String, String> values, boolean enabled, Duration ttl,
            Duration timeout, MeterRegistry registry) {
        this.values = values;
        this.enabled = enabled;
        this.ttl = ttl;
        this.timeout = timeout;
        this.hits = Counter.builder("forge.cache." + name).tag("result", "hit").register(registry);
        this.misses = Counter.builder("forge.cache." + name).tag("result", "miss").register(registry);
        this.errors = Counter.builder("forge.cache." + name).tag("result", "error").register(registry);
    }

    void put(String key, String value) {
        if (!enabled) {
            return;
        }
        values.setex(key, ttl.toSeconds(), value)
                .ifNoItem().after(timeout).fail()
                .subscribe().with(ok -> { }, e -> {
                    errors.increment();
                    LOG.debugf("cache write failed: %s", e.getMessage());
                });
    }

    Uni<Optional<String>> get(String key) {
        if (!enabled) {
            return Uni.createFrom().item(Optional.empty());
        }
        return values.get(key)
                .ifNoItem().after(timeout).fail()
                .map(value -> {
                    (value == null ? misses : hits).increment();
                    return Optional.ofNullable(value);
                })
                .onFailure().recoverWithItem(e -> {
                    errors.increment();
                    misses.increment();
                    LOG.debugf("cache read failed (the caller goes without): %s", e.getMessage());
                    return Optional.<String>empty();
                });
    }

    double hits() {
        return hits.count();
    }

    double misses() {
        return misses.count();
    }

    double errors() {
        return errors.count();
    }
}
