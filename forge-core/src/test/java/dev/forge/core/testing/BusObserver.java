package dev.forge.core.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQOptions;

/**
 * An outside consumer for tests, as any client of the bus would be: a durable queue of its own bound to an exchange,
 * outliving a broker restart, on a connection of its own; also the test's hand for broker operations.
 */
public final class BusObserver implements AutoCloseable {

    /** One message received. */
    public record Delivery(String routingKey, byte[] body) {
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    public final List<Delivery> received = new CopyOnWriteArrayList<>();
    private final Vertx vertx = Vertx.vertx();
    private final String exchange;
    private final String type;
    private final String key;
    private final String queue = "forge-test-observer-" + UUID.randomUUID();
    private final Consumer<Delivery> onDelivery;
    private RabbitMQClient client;
    /** Broker operations on a connection of their own: a refused one closes its channel, not the consumer's. */
    private final RabbitMQClient admin;

    public BusObserver(String exchange, String type, String key, Consumer<Delivery> onDelivery) {
        this.exchange = exchange;
        this.type = type;
        this.key = key;
        this.onDelivery = onDelivery;
        admin = RabbitMQClient.create(vertx, new RabbitMQOptions().setHost("127.0.0.1").setReconnectAttempts(0)
                .setConnectionName("forge-test-admin"));
        admin.start().await().atMost(WAIT);
        connect();
    }

    /** (Re)connects, declaring the exchange, the queue and the binding again (a broker restart, a deleted exchange). */
    public void connect() {
        if (client != null) {
            client.stop().await().atMost(WAIT);
        }
        client = RabbitMQClient.create(vertx, new RabbitMQOptions().setHost("127.0.0.1").setReconnectAttempts(0)
                .setConnectionName("forge-test-observer"));
        client.start().await().atMost(WAIT);
        client.exchangeDeclare(exchange, type, true, false).await().atMost(WAIT);
        client.queueDeclare(queue, true, false, false).await().atMost(WAIT);
        client.queueBind(queue, exchange, key).await().atMost(WAIT);
        // the handler is set as the consumer is handed over, on its context: set after await(), a backlog delivered
        // at once (a broker restart) went to no handler and was lost
        client.basicConsumer(queue, new QueueOptions().setAutoAck(true)).invoke(consumer -> consumer.handler(m -> {
            var delivery = new Delivery(m.envelope().getRoutingKey(), m.body().getBytes());
            received.add(delivery);
            onDelivery.accept(delivery);
        })).await().atMost(WAIT);
    }

    /** The observer's queue. */
    public String queue() {
        return queue;
    }

    public void declareQueue(String name, JsonObject arguments) {
        admin.queueDeclare(name, false, false, false, arguments).await().atMost(WAIT);
    }

    public void bind(String name, String toExchange, String bindingKey) {
        admin.queueBind(name, toExchange, bindingKey).await().atMost(WAIT);
    }

    public void deleteQueue(String name) {
        admin.queueDelete(name).await().atMost(WAIT);
    }

    public void deleteExchange(String name) {
        admin.exchangeDelete(name).await().atMost(WAIT);
    }

    /** Runs rabbitmqctl and answers what it printed; throws when it fails. */
    public static String rabbitctl(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        cmd.addAll(List.of(args));
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.queueDelete(queue).await().atMost(WAIT);
            }
            client.stop().await().atMost(WAIT);
            admin.stop().await().atMost(WAIT);
        } finally {
            vertx.closeAndAwait();
        }
    }
}
