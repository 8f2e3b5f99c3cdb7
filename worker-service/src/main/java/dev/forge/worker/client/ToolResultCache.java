package dev.forge.worker.client;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.worker.config.CacheConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Tool results in Redis by tool name and the canonical hash of the call's input (key order does not matter), with a
 * configurable TTL: the same call within the TTL answers from the cache instead of running the tool again. Only
 * deterministic tools should be cached; the caller decides. Redis trouble only costs counted misses.
 */
@ApplicationScoped
public class ToolResultCache {

    private final CacheRegion region;

    public ToolResultCache(ReactiveRedisDataSource redis, CacheConfig config, MeterRegistry registry) {
        this.region = new CacheRegion("tool", redis.value(String.class, String.class), config.enabled(),
                config.toolTtl(), config.timeout(), registry);
    }

    static String key(String tool, JsonNode input) {
        return "forge:tool:" + tool + ":" + JsonValues.canonicalHash(input);
    }

    public void put(String tool, JsonNode input, JsonNode result) {
        region.put(key(tool, input), result.toString());
    }

    /** The cached result of the same call, or empty (a miss, a timeout, Redis down, or an unreadable entry). */
    public Uni<Optional<JsonNode>> get(String tool, JsonNode input) {
        return region.get(key(tool, input)).map(found -> found.flatMap(text -> {
            try {
                return Optional.of(JsonValues.MAPPER.readTree(text));
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
        }));
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
