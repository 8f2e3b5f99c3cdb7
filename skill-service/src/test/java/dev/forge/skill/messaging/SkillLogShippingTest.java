package dev.forge.skill.messaging;

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
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQOptions;

/**
 * skill-service has no forge-core, yet its log records reach RabbitMQ like every service's (forge-telemetry), read
 * here by an outside AMQP consumer as the monitor reads them.
 */
@QuarkusTest
class SkillLogShippingTest {

    private static final Logger LOG = Logger.getLogger("dev.forge.skill.LogShippingProbe");

    @Test
    void skillServiceShipsItsLogRecords() throws Exception {
        var received = new CopyOnWriteArrayList<JsonNode>();
        var keys = new CopyOnWriteArrayList<String>();
        var json = new ObjectMapper();
        var vertx = Vertx.vertx();
        var client = RabbitMQClient.create(vertx,
                new RabbitMQOptions().setHost("127.0.0.1").setReconnectAttempts(0));
        var wait = Duration.ofSeconds(10);
        try {
            client.start().await().atMost(wait);
            client.exchangeDeclare("forge.logs", "topic", true, false).await().atMost(wait);
            String queue = client.queueDeclare("", false, true, true).await().atMost(wait).getQueue();
            client.queueBind(queue, "forge.logs", "skill-service.#").await().atMost(wait);
            // the handler set as the consumer is handed over, so nothing delivered at once goes to no handler
            client.basicConsumer(queue, new QueueOptions().setAutoAck(true))
                    .invoke(consumer -> consumer.handler(m -> {
                        keys.add(m.envelope().getRoutingKey());
                        try {
                            received.add(json.readTree(m.body().getBytes()));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })).await().atMost(wait);
            String marker = "skill-log-probe-" + UUID.randomUUID();
            // the publisher connects in the background: log until a record arrives
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
                LOG.warnf("%s warn", marker);
                return received.stream().anyMatch(r -> r.path("message").asText().equals(marker + " warn"));
            });
            var record = received.stream().filter(r -> r.path("message").asText().equals(marker + " warn"))
                    .findFirst().orElseThrow();
            assertThat(record.path("service").asText()).isEqualTo("skill-service");
            assertThat(record.path("level").asText()).isEqualTo("WARN");
            assertThat(record.path("logger").asText()).isEqualTo("dev.forge.skill.LogShippingProbe");
            assertThat(keys).contains("skill-service.WARN");
            assertThat(List.copyOf(received)).allMatch(r -> r.path("service").asText().equals("skill-service"));
        } finally {
            client.stop().await().atMost(wait);
            vertx.closeAndAwait();
        }
    }
}
