package dev.forge.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.core.messaging.Exchanges;
import dev.forge.core.testing.BusObserver;
import io.quarkus.test.junit.QuarkusTest;

/** The gateway's log records reach RabbitMQ as structured JSON, exceptions included; DEBUG stays home. */
@QuarkusTest
class LogShippingTest {

    private static final Logger LOG = Logger.getLogger("dev.forge.gateway.LogShippingProbe");

    @Test
    void warningsWithTheirExceptionsAreShippedAsJson() {
        var received = new CopyOnWriteArrayList<JsonNode>();
        var routingKeys = new CopyOnWriteArrayList<String>();
        try (var observer = new BusObserver(Exchanges.LOGS, "topic", "forge-gateway.#", delivery -> {
            try {
                routingKeys.add(delivery.routingKey());
                received.add(JsonValues.MAPPER.readTree(new String(delivery.body(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        })) {
            shippedAndHealed(observer, received, routingKeys);
        }
    }

    private void shippedAndHealed(BusObserver observer, List<JsonNode> received, List<String> routingKeys) {
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

        // the exchange deleted under a running service: the topology check declares it again, the connector's
        // channel (closed by the broker at the next record) is reopened, and records flow once more to a consumer
        // that binds again as any must
        observer.deleteExchange(Exchanges.LOGS);
        String again = "log-shipping-again-" + UUID.randomUUID();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
            LOG.warnf("%s warn", again);
            try {
                observer.bind(observer.queue(), Exchanges.LOGS, "forge-gateway.#");
            } catch (RuntimeException e) {
                // the exchange is not back yet
            }
            return received.stream().anyMatch(r -> r.path("message").asText().startsWith(again));
        });
    }
}
