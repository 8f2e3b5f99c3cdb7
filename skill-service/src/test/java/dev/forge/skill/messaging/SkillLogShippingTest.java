package dev.forge.skill.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import io.quarkus.test.junit.QuarkusTest;

/**
 * skill-service has no forge-core, yet its log records reach RabbitMQ like every service's (forge-telemetry), read
 * here by a plain AMQP consumer as the monitor reads them.
 */
@QuarkusTest
class SkillLogShippingTest {

    private static final Logger LOG = Logger.getLogger("dev.forge.skill.LogShippingProbe");

    @Test
    void skillServiceShipsItsLogRecords() throws Exception {
        var received = new CopyOnWriteArrayList<JsonNode>();
        var keys = new CopyOnWriteArrayList<String>();
        var json = new ObjectMapper();
        var factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
            channel.exchangeDeclare("forge.logs", "topic", true);
            String queue = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(queue, "forge.logs", "skill-service.#");
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, com.rabbitmq.client.AMQP.BasicProperties p,
                        byte[] body) throws java.io.IOException {
                    keys.add(envelope.getRoutingKey());
                    received.add(json.readTree(new String(body, StandardCharsets.UTF_8)));
                }
            });
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
        }
    }
}
