package dev.forge.telemetry.messaging;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.microprofile.config.Config;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Publishes log records to the {@code forge.logs} topic exchange on a connection of its own, so every service — with
 * or without forge-core's messaging — ships logs the same way, and logging never competes with events for a channel.
 * One publishing thread behind a bounded queue: records are dropped, never waited for, when the queue is full or
 * the broker is away; connecting is retried at most every few seconds, from that thread only. Broker settings are
 * the services' {@code forge.rabbitmq.*}.
 */
final class LogPublisher {

    private static final String EXCHANGE = LogShipping.EXCHANGE;
    private static final long RETRY_MILLIS = 5_000;

    private final ConnectionFactory factory;
    /** How the broker's management view names this connection. */
    private final String connectionName;
    private final ThreadPoolExecutor thread;
    private Connection connection;
    private Channel channel;
    private long lastAttempt;

    LogPublisher(Config config, String service) {
        connectionName = service + " logs";
        factory = new ConnectionFactory();
        factory.setHost(config.getOptionalValue("forge.rabbitmq.host", String.class).orElse("127.0.0.1"));
        factory.setPort(config.getOptionalValue("forge.rabbitmq.port", Integer.class).orElse(5672));
        factory.setUsername(config.getOptionalValue("forge.rabbitmq.username", String.class).orElse("guest"));
        factory.setPassword(config.getOptionalValue("forge.rabbitmq.password", String.class).orElse("guest"));
        factory.setVirtualHost(config.getOptionalValue("forge.rabbitmq.virtual-host", String.class).orElse("/"));
        factory.setAutomaticRecoveryEnabled(true);
        factory.setConnectionTimeout(2_000);
        thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            var t = new Thread(r, "forge-log-publisher");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /** Queues the record for publishing; returns at once. */
    void publish(String routingKey, byte[] body) {
        thread.execute(() -> send(routingKey, body));
    }

    private void send(String routingKey, byte[] body) {
        if (!connected()) {
            return;
        }
        try {
            channel.basicPublish(EXCHANGE, routingKey, false, new AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(1).build(), body);
        } catch (IOException | RuntimeException e) {
            // dropped: a record that cannot be shipped is not worth a log line of its own (it would be shipped too)
        }
    }

    private boolean connected() {
        if (channel != null && channel.isOpen()) {
            return true;
        }
        if (connection != null && !connection.isOpen()) {
            // automatic recovery is at work on an established connection (it reopens the channel too)
            return false;
        }
        long now = System.currentTimeMillis();
        if (now - lastAttempt < RETRY_MILLIS) {
            return false;
        }
        lastAttempt = now;
        try {
            // the publisher's own thread: blocking here holds no caller. A channel closed while the connection
            // stays up (the broker refused a publish: the exchange was deleted) is not recovered by the client:
            // a new one, with the exchange declared again
            var opened = connection != null ? connection : factory.newConnection(connectionName);
            var opening = opened.createChannel();
            opening.exchangeDeclare(EXCHANGE, "topic", true);
            connection = opened;
            channel = opening;
            return true;
        } catch (IOException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (connection != null) {
            try {
                connection.close(1_000);
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
        }
    }
}
