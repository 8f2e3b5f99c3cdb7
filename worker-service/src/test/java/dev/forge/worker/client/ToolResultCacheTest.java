package dev.forge.worker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import io.quarkus.test.junit.QuarkusTest;

/** Tool results cached in the real Redis by tool name and canonical input, for the configured TTL (1 s in tests). */
@QuarkusTest
class ToolResultCacheTest {

    @Inject
    ToolResultCache cache;

    private static JsonNode json(String text) throws Exception {
        return JsonValues.MAPPER.readTree(text);
    }

    private Optional<JsonNode> get(String tool, JsonNode input) {
        return cache.get(tool, input).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void theSameCallHitsWhateverItsKeyOrderAndExpiresAfterItsTtl() throws Exception {
        String tool = "calculator-" + System.nanoTime();
        var input = json("{\"expression\": \"6*7\", \"precision\": 2}");
        double misses = cache.misses();
        assertThat(get(tool, input)).isEmpty();
        assertThat(cache.misses()).isEqualTo(misses + 1);

        cache.put(tool, input, json("{\"value\": 42}"));
        var reordered = json("{\"precision\": 2, \"expression\": \"6*7\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> get(tool, reordered).isPresent());
        assertThat(get(tool, reordered).get().path("value").asInt()).isEqualTo(42);
        assertThat(cache.hits()).isPositive();

        // another input or another tool is another entry
        assertThat(get(tool, json("{\"expression\": \"6*8\", \"precision\": 2}"))).isEmpty();
        assertThat(get("other-" + tool, input)).isEmpty();

        await().atMost(Duration.ofSeconds(5)).until(() -> get(tool, input).isEmpty());
    }
}
