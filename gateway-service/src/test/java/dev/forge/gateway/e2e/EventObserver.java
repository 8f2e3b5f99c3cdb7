package dev.forge.gateway.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import dev.forge.core.messaging.Exchanges;
import io.vertx.core.json.JsonObject;

/** A raw consumer of our own: a durable queue bound to every event, outliving a broker restart. */
final class EventObserver implements AutoCloseable {

    final Set<Long> ids = ConcurrentHashMap.newKeySet();
    final ConcurrentHashMap<Long, String> types = new ConcurrentHashMap<>();
    private final String queue = "forge-test-observer-" + UUID.randomUUID();
    private Connection connection;

    EventObserver() throws Exception {
        connect();
    }

    /** (Re)connects, declaring the exchange and binding again (after a broker restart or a deleted exchange). */
    void connect() throws Exception {
        var factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setAutomaticRecoveryEnabled(false);
        connection = factory.newConnection("forge-test-observer");
        Channel channel = connection.createChannel();
        channel.exchangeDeclare(Exchanges.EVENTS, "topic", true);
        channel.queueDeclare(queue, true, false, false, null);
        channel.queueBind(queue, Exchanges.EVENTS, "default.#");
        channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                    throws IOException {
                var json = new JsonObject(new String(body, StandardCharsets.UTF_8));
                ids.add(json.getLong("id"));
                types.put(json.getLong("id"), json.getString("type"));
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
        });
    }

    /** A channel of the observer's connection, for the test's own broker operations. */
    Channel channel() throws IOException {
        return connection.createChannel();
    }

    @Override
    public void close() throws Exception {
        try (var channel = connection.createChannel()) {
            channel.queueDelete(queue);
        } finally {
            connection.close();
        }
    }

    static String rabbitctl(String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(List.of("rabbitmqctl", "-q"));
        cmd.addAll(List.of(args));
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
