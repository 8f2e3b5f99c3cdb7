package dev.forge.telemetry.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;

/**
 * Best-effort messages (log records, token deltas, control wake-ups) that were not sent: their emitter's bounded
 * buffer was full, as it fills while the broker is away. Counted per channel as {@code forge_bus_dropped_total}.
 */
@Singleton
public class BusDrops {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public BusDrops(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Sends through {@code send} (an emitter's {@code sendMessage}, subscribed here) and answers when the connector
     * has handed the message to the broker. A message the emitter refused (its buffer is full) or the connector
     * failed to send is counted as dropped; the answer then completes normally all the same. Never blocks, never
     * throws.
     */
    public CompletionStage<Void> send(String channel, Supplier<Uni<Void>> send) {
        try {
            return send.get().subscribeAsCompletionStage().exceptionally(e -> {
                counter(channel).increment();
                return null;
            });
        } catch (RuntimeException e) {
            counter(channel).increment();
            return CompletableFuture.completedFuture(null);
        }
    }

    /** The metadata every best-effort message carries: JSON, not persisted, routed by {@code routingKey}. */
    public static OutgoingRabbitMQMetadata.Builder transientMessage(String routingKey) {
        return OutgoingRabbitMQMetadata.builder().withRoutingKey(routingKey).withContentType("application/json")
                .withDeliveryMode(1);
    }

    private Counter counter(String channel) {
        return counters.computeIfAbsent(channel, c -> Counter.builder("forge.bus.dropped").tag("channel", c)
                .description("Best-effort messages dropped while the broker could not take them")
                .register(registry));
    }
}
