package dev.forge.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.core.messaging.Exchanges;
import dev.forge.core.messaging.Rabbit;
import io.quarkus.test.junit.QuarkusTest;

/** The gateway's log records reach RabbitMQ as structured JSON, exceptions included; DEBUG stays home. */
@QuarkusTest
class LogShippingTest {

    private static final Logger LOG = Logger.getLogger("dev.forge.gateway.LogShippingProbe");

    @Inject
    Rabbit rabbit;

    @Test
    void warningsWithTheirExceptionsAreShippedAsJson() throws Exception {
        var received = new CopyOnWriteArrayList<JsonNode>();
        var routingKeys = new CopyOnWriteArrayList<String>();
        rabbit.subscribe(Exchanges.LOGS, List.of("forge-gateway.#"), delivery -> {
            try {
                routingKeys.add(delivery.routingKey());
                received.add(JsonValues.MAPPER.readTree(new String(delivery.body(), StandardCharsets.UTF_8)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            } finally {
                delivery.ack().run();
            }
        });
        String marker = "log-shipping-probe-" + UUID.randomUUID();
        // the subscription's queue is bound asynchronously: log until a record arrives
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            LOG.debugf("%s debug", marker);
            LOG.warnf(new IllegalStateException("probe failure"), "%s warn for run %s", marker, "r-1");
            return received.stream().anyMatch(r -> r.path("message").asText().startsWith(marker + " warn"));
        });
        var record = received.stream().filter(r -> r.path("message").asText().startsWith(marker + " warn"))
                .findFirst().orElseThrow();
        assertThat(record.path("service").asText()).isEqualTo("forge-gateway");
        assertThat(record.path("level").asText()).isEqualTo("WARN");
        assertThat(record.path("logger").asText()).isEqualTo("dev.forge.gateway.LogShippingProbe");
        assertThat(record.path("message").asText()).isEqualTo(marker + " warn for run r-1");
        assertThat(record.path("timestamp").asText()).isNotBlank();
        assertThat(record.path("exception").path("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(record.path("exception").path("stack")).isNotEmpty();
        assertThat(routingKeys).contains("forge-gateway.WARN");
        assertThat(received).noneMatch(r -> r.path("message").asText().equals(marker + " debug"));

        // the exchange deleted under a running service: the log publisher opens a channel and declares it again,
        // the subscription binds again, and records flow once more
        var factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (var connection = factory.newConnection("forge-test-admin"); var channel = connection.createChannel()) {
            channel.exchangeDelete(Exchanges.LOGS);
        }
        String again = "log-shipping-again-" + UUID.randomUUID();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
            LOG.warnf("%s warn", again);
            return received.stream().anyMatch(r -> r.path("message").asText().startsWith(again));
        });
    }
}
