package dev.forge.core.messaging;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;

import dev.forge.core.config.RabbitConfig;

/**
 * The broker connection: connects in the background (a service starts and serves without RabbitMQ), recovers the
 * connection and its topology (exchanges, queues, bindings, consumers) after a broker restart, and tells listeners when
 * it is back so they can catch up from PostgreSQL. The amqp-client blocks, so nothing here runs on an event loop:
 * connecting happens on its own thread and consumers are called on the client's consumer threads.
 */
@ApplicationScoped
public class Rabbit {

    private static final Logger LOG = Logger.getLogger(Rabbit.class);

    /** A consumer to (re)establish: an exclusive, auto-delete queue bound to an exchange. */
    private record Subscription(String exchange, List<String> bindingKeys, Consumer<Delivery> handler) {
    }

    /** Where a subscription consumes now. */
    private record Consuming(Channel channel, String queue) {
    }

    /** One received message; {@link #ack()} after processing. */
    public record Delivery(String routingKey, byte[] body, Runnable ack) {
    }

    private final RabbitConfig config;
    private final ExecutorService connector = Executors.newSingleThreadExecutor(r -> {
        var t = new Thread(r, "forge-rabbit-connect");
        t.setDaemon(true);
        return t;
    });
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final java.util.Map<Subscription, Consuming> consuming = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService topologyCheck = Executors
            .newSingleThreadScheduledExecutor(r -> {
                var t = new Thread(r, "forge-rabbit-topology");
                t.setDaemon(true);
                return t;
            });
    private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();
    /**
     * Ephemeral messages (token deltas) go out from one thread of their own, on their own unconfirmed channel: the
     * caller (often an event loop) never waits, and a full queue drops the newest rather than holding memory.
     */
    private final ThreadPoolExecutor transientPublisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                var t = new Thread(r, "forge-rabbit-transient");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());
    private volatile Connection connection;
    private volatile Channel publishChannel;
    private volatile Channel transientChannel;
    private volatile boolean closed;
    private volatile io.micrometer.core.instrument.Timer confirmTimer;

    public Rabbit(RabbitConfig config) {
        this.config = config;
        if (config.enabled()) {
            connector.submit(this::connectLoop);
            long every = Math.max(1000, config.reconnectInterval().toMillis() * 5);
            topologyCheck.scheduleWithFixedDelay(this::checkBindings, every, every, TimeUnit.MILLISECONDS);
        }
    }

    public boolean connected() {
        var c = connection;
        return c != null && c.isOpen();
    }

    /** Called after every (re)connection, e.g. to catch up on what was missed. */
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    /** Consumes {@code bindingKeys} of {@code exchange} on a queue of this process; survives broker restarts. */
    public void subscribe(String exchange, List<String> bindingKeys, Consumer<Delivery> handler) {
        var subscription = new Subscription(exchange, List.copyOf(bindingKeys), handler);
        // with the connect loop's consumer set-up: a subscription added while it runs is consumed by one of the two
        synchronized (subscriptions) {
            subscriptions.add(subscription);
            var c = connection;
            if (c != null && c.isOpen()) {
                try {
                    consume(c, subscription);
                } catch (IOException e) {
                    LOG.warnf("Could not subscribe to %s yet (%s); will on reconnect", exchange, e.getMessage());
                }
            }
        }
    }

    /** Where the time from publishing a batch to its confirms is recorded (metrics). */
    public void confirmLatency(io.micrometer.core.instrument.Timer timer) {
        this.confirmTimer = timer;
    }

    /**
     * Publishes messages and waits for the broker's confirms; throws when the broker is unreachable, nacks or does
     * not confirm in time. A channel that failed (the client closes it on a confirm timeout or a nack, the broker on
     * a missing exchange) is replaced on the next call: automatic recovery follows a lost connection only, and a
     * closed channel left alone stopped the bus for good. Callers serialise their use (one relay thread a process).
     */
    public synchronized void publishConfirmed(String exchange, List<Message> messages, long timeoutMs)
            throws IOException, InterruptedException, TimeoutException {
        var channel = openPublishChannel();
        long started = System.nanoTime();
        try {
            for (var m : messages) {
                channel.basicPublish(exchange, m.routingKey(), true, new AMQP.BasicProperties.Builder()
                        .contentType("application/json").deliveryMode(2).messageId(m.id())
                        .headers(m.headers().isEmpty() ? null : m.headers()).build(), m.body());
            }
            channel.waitForConfirmsOrDie(timeoutMs);
        } catch (IOException | TimeoutException | RuntimeException e) {
            discard(channel);
            throw e;
        }
        var timer = confirmTimer;
        if (timer != null) {
            timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** The confirm channel, opened afresh (with the exchanges declared again) when the last one failed. */
    private Channel openPublishChannel() throws IOException {
        var channel = publishChannel;
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        var c = connection;
        if (c == null || !c.isOpen()) {
            throw new IOException("not connected to RabbitMQ");
        }
        channel = c.createChannel();
        declareExchanges(channel);
        channel.confirmSelect();
        publishChannel = channel;
        LOG.info("Opened a new RabbitMQ publishing channel");
        return channel;
    }

    private static void declareExchanges(Channel channel) throws IOException {
        channel.exchangeDeclare(Exchanges.EVENTS, "topic", true);
        channel.exchangeDeclare(Exchanges.CONTROL, "direct", true);
        channel.exchangeDeclare(Exchanges.LOGS, "topic", true);
    }

    private void discard(Channel channel) {
        if (publishChannel == channel) {
            publishChannel = null;
        }
        try {
            if (channel.isOpen()) {
                channel.abort();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("discarding a failed channel: %s", e.getMessage());
        }
    }

    /**
     * Publishes a message that matters only to whoever is listening now (not persisted, not confirmed, dropped while
     * the broker is unreachable). Never blocks the caller.
     */
    public void publishTransient(String exchange, String routingKey, byte[] body) {
        transientPublisher.execute(() -> {
            var channel = transientChannel;
            if (channel == null || !channel.isOpen()) {
                // closed by the broker or the client: a new one on the open connection, if there is one
                var c = connection;
                if (c == null || !c.isOpen()) {
                    return;
                }
                try {
                    channel = c.createChannel();
                    transientChannel = channel;
                } catch (IOException | RuntimeException e) {
                    return;
                }
            }
            try {
                channel.basicPublish(exchange, routingKey, false, new AMQP.BasicProperties.Builder()
                        .contentType("application/json").deliveryMode(1).build(), body);
            } catch (IOException | RuntimeException e) {
                LOG.debugf("transient message dropped: %s", e.getMessage());
            }
        });
    }

    /** A message to publish, with its AMQP headers (such as the W3C {@code traceparent}). */
    public record Message(String routingKey, String id, byte[] body, java.util.Map<String, Object> headers) {
        public Message(String routingKey, String id, byte[] body) {
            this(routingKey, id, body, java.util.Map.of());
        }
    }

    private void connectLoop() {
        while (!closed) {
            try {
                var factory = new ConnectionFactory();
                factory.setHost(config.host());
                factory.setPort(config.port());
                factory.setUsername(config.username());
                factory.setPassword(config.password());
                factory.setVirtualHost(config.virtualHost());
                factory.setAutomaticRecoveryEnabled(true);
                factory.setTopologyRecoveryEnabled(true);
                factory.setNetworkRecoveryInterval(config.reconnectInterval().toMillis());
                factory.setRequestedHeartbeat(10);
                var c = factory.newConnection("forge");
                // declared on a channel that stays open: topology recovery replays declarations on their channel
                var publish = c.createChannel();
                declareExchanges(publish);
                publish.confirmSelect();
                publishChannel = publish;
                transientChannel = c.createChannel();
                synchronized (subscriptions) {
                    for (var s : subscriptions) {
                        consume(c, s);
                    }
                    connection = c;
                }
                ((Recoverable) c).addRecoveryListener(new RecoveryListener() {
                    @Override
                    public void handleRecovery(Recoverable recoverable) {
                        LOG.info("RabbitMQ connection recovered");
                        reconnectListeners.forEach(Rabbit::runQuietly);
                    }

                    @Override
                    public void handleRecoveryStarted(Recoverable recoverable) {
                        LOG.warn("RabbitMQ connection lost; recovering");
                    }
                });
                LOG.infof("Connected to RabbitMQ at %s:%d", config.host(), config.port());
                reconnectListeners.forEach(Rabbit::runQuietly);
                return;
            } catch (IOException | TimeoutException | RuntimeException e) {
                LOG.warnf("RabbitMQ at %s:%d not reachable (%s); retrying", config.host(), config.port(),
                        e.getMessage());
                try {
                    Thread.sleep(config.reconnectInterval().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void consume(Connection c, Subscription s) throws IOException {
        var channel = c.createChannel();
        // a channel the broker closes while the connection stays up (its queue or exchange deleted) is not
        // recovered by the client: subscribe again on a fresh one, with the exchange declared again
        channel.addShutdownListener(cause -> {
            if (!closed && !cause.isHardError() && !cause.isInitiatedByApplication()) {
                LOG.warnf("RabbitMQ closed the consumer channel of %s (%s); subscribing again", s.exchange(),
                        cause.getMessage());
                connector.submit(() -> resubscribe(c, s));
            }
        });
        declareExchanges(channel);
        channel.basicQos(256);
        String queue = channel.queueDeclare("", false, true, true, null).getQueue();
        for (var key : s.bindingKeys()) {
            channel.queueBind(queue, s.exchange(), key);
        }
        consuming.put(s, new Consuming(channel, queue));
        channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleCancel(String consumerTag) {
                // the broker cancelled us (our queue was deleted): a new queue and consumer
                if (!closed) {
                    LOG.warnf("RabbitMQ cancelled the consumer of %s; subscribing again", s.exchange());
                    connector.submit(() -> resubscribe(c, s));
                }
            }

            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                long deliveryTag = envelope.getDeliveryTag();
                s.handler().accept(new Delivery(envelope.getRoutingKey(), body, () -> {
                    try {
                        channel.basicAck(deliveryTag, false);
                    } catch (IOException | RuntimeException e) {
                        LOG.debugf("ack failed (the channel went away; the broker redelivers): %s", e.getMessage());
                    }
                }));
            }
        });
    }

    /**
     * Declares each subscription's exchange and binding again: a deleted exchange takes its bindings with it, and the
     * queue behind them would wait for nothing. Both are idempotent; a failure means the channel is gone, and the
     * subscription is made again.
     */
    private void checkBindings() {
        var c = connection;
        if (closed || c == null || !c.isOpen()) {
            return;
        }
        for (var entry : consuming.entrySet()) {
            var s = entry.getKey();
            var consumer = entry.getValue();
            try {
                if (!consumer.channel().isOpen()) {
                    continue;
                }
                declareExchanges(consumer.channel());
                for (var key : s.bindingKeys()) {
                    consumer.channel().queueBind(consumer.queue(), s.exchange(), key);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warnf("The binding of %s could not be checked (%s)", s.exchange(), e.getMessage());
            }
        }
    }

    private void resubscribe(Connection c, Subscription s) {
        for (int attempt = 0; !closed && c.isOpen(); attempt++) {
            try {
                consume(c, s);
                reconnectListeners.forEach(Rabbit::runQuietly);
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warnf("Could not subscribe to %s again (%s); retrying", s.exchange(), e.getMessage());
                try {
                    Thread.sleep(config.reconnectInterval().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warnf("Reconnect listener failed: %s", e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        closed = true;
        connector.shutdownNow();
        topologyCheck.shutdownNow();
        transientPublisher.shutdownNow();
        var c = connection;
        if (c != null) {
            try {
                c.close(2000);
            } catch (IOException | RuntimeException e) {
                LOG.debugf("closing RabbitMQ connection: %s", e.getMessage());
            }
        }
        try {
            connector.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
