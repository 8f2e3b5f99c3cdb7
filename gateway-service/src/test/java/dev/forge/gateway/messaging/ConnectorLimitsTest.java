package dev.forge.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import dev.forge.core.testing.BusObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;

/**
 * Why the outbox relay's confirmed publishing is not on a connector channel (SmallRye Reactive Messaging RabbitMQ
 * 4.33, Vert.x RabbitMQ client 4.5): once the broker closes such a channel — a publish to a deleted exchange — the
 * client opens a new one in confirm mode but without its confirm listener, so a message the broker took and routed
 * is never acknowledged to the application, and the relay would publish that batch again for ever. If this test
 * fails, the connector has learned to heal and the relay can move onto it.
 */
@QuarkusTest
class ConnectorLimitsTest {

    private static final String EXCHANGE = "forge.test.limits";

    /** The probe: an emitter on a confirmed channel of the connector. */
    @ApplicationScoped
    static class ConfirmedProbe {
        @Inject
        @Channel("forge-test-confirmed-out")
        MutinyEmitter<byte[]> out;

        void send(String text) {
            out.sendMessage(Message.of(text.getBytes(StandardCharsets.UTF_8)).addMetadata(
                    OutgoingRabbitMQMetadata.builder().withRoutingKey("probe").build()))
                    .await().atMost(Duration.ofSeconds(5));
        }
    }

    @Inject
    ConfirmedProbe probe;

    @Test
    void aConfirmedConnectorChannelLosesEveryConfirmAfterTheBrokerClosedIt() {
        try (var observer = new BusObserver(EXCHANGE, "topic", "#", d -> {
        })) {
            // healthy: confirmed and delivered
            probe.send("first");
            await().atMost(Duration.ofSeconds(5)).until(() -> texts(observer).contains("first"));

            // the exchange deleted: the broker closes the channel at the next publish, which is not confirmed
            observer.deleteExchange(EXCHANGE);
            assertThatThrownBy(() -> probe.send("lost")).isInstanceOf(TimeoutException.class);

            // the exchange back and bound: the next message reaches the consumer, yet its confirm never does
            observer.connect();
            String marker = "routed-" + UUID.randomUUID();
            assertThatThrownBy(() -> probe.send(marker)).isInstanceOf(TimeoutException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> texts(observer).contains(marker));
            assertThatThrownBy(() -> probe.send("still-" + marker)).isInstanceOf(TimeoutException.class);
        }
    }

    private static List<String> texts(BusObserver observer) {
        return observer.received.stream().map(d -> new String(d.body(), StandardCharsets.UTF_8)).toList();
    }
}
