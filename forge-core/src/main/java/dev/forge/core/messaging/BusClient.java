package dev.forge.core.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.rabbitmq.client.AMQP;

import dev.forge.core.config.RabbitConfig;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;

/**
 * The one piece of the bus outside the Reactive Messaging connector: the outbox relay's confirmed publishing and the
 * topology check. Both need to act on a channel the broker closed while the connection stayed up, which the
 * connector's channels cannot: an outgoing connector channel declares its exchange only when it connects, and a
 * channel it reopens after the broker closed it (a publish to a deleted exchange) gets {@code confirmSelect} but no
 * confirm listener, so every later confirm is lost and the relay would stop for good (shown by
 * {@code ConnectorLimitsTest}). Here the confirms are awaited with {@code waitForConfirmsOrDie}, whose failure closes
 * the channel; the Vert.x client opens a new one (in confirm mode) on the next call, and the exchanges are declared
 * again before the batch goes out. Runs on the Vert.x RabbitMQ client the connector itself is built on; its
 * connection reconnects every {@code forge.rabbitmq.reconnect-interval}, for ever, and a service starts without it.
 */
@ApplicationScoped
public class BusClient {

    private static final Logger LOG = Logger.getLogger(BusClient.class);
    /** How often exchanges and the consumers' bindings are declared again: a deleted exchange takes bindings along. */
    private static final Duration TOPOLOGY_CHECK = Duration.ofSeconds(5);

    /** A consumer queue's binding to keep. */
    private record Binding(String queue, String exchange, String key) {
    }

    /** A message to publish, with its AMQP headers (such as the W3C {@code traceparent}). */
    public record Message(String routingKey, String id, byte[] body, Map<String, Object> headers) {
        public Message(String routingKey, String id, byte[] body) {
            this(routingKey, id, body, Map.of());
        }
    }

    private final RabbitConfig config;
    private final RabbitMQClient client;
    private final Vertx vertx;
    private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();
    private volatile boolean declareFirst = true;
    private volatile Timer confirmTimer;
    /**
     * The client opens a replacement channel synchronously on the calling thread, an RPC that waits as long as a
     * memory alarm blocks the connection: never on an event loop (it held the HTTP server in a test), so binding and
     * topology work happen on this thread of their own.
     */
    private final ScheduledExecutorService topology = Executors
            .newSingleThreadScheduledExecutor(r -> {
                var t = new Thread(r, "forge-bus-topology");
                t.setDaemon(true);
                return t;
            });

    public BusClient(RabbitConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
        this.client = RabbitMQClient.create(vertx, new RabbitMQOptions().setHost(config.host()).setPort(config.port())
                .setUser(config.username()).setPassword(config.password()).setVirtualHost(config.virtualHost())
                .setConnectionName("forge bus").setRequestedHeartbeat(10).setConnectionTimeout(2_000)
                // reconnect for ever, also when the broker is not there at start-up
                .setAutomaticRecoveryEnabled(false).setAutomaticRecoveryOnInitialConnection(true)
                .setReconnectAttempts(Integer.MAX_VALUE)
                .setReconnectInterval(config.reconnectInterval().toMillis()));
        client.getDelegate().addConnectionEstablishedCallback(promise -> declareExchanges().subscribe().with(x -> {
            declareFirst = false;
            promise.complete();
            LOG.infof("Connected to RabbitMQ at %s:%d", config.host(), config.port());
            // after the callback: listeners may publish, which needs the connection marked established
            vertx.runOnContext(() -> reconnectListeners.forEach(BusClient::runQuietly));
        }, promise::fail));
    }

    void start(@Observes StartupEvent event) {
        client.start().subscribe().with(x -> {
        }, e -> LOG.warnf("RabbitMQ at %s:%d not reachable: %s", config.host(), config.port(), e.getMessage()));
        topology.scheduleWithFixedDelay(this::checkTopology, TOPOLOGY_CHECK.toMillis(), TOPOLOGY_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * No topology RPC starts while the application stops: a CI run hung at shutdown (the connector's client stop
     * waiting) while a {@code confirmSelect} begun seconds before sat unanswered; a check starting then is one way in.
     */
    void stop(@Observes ShutdownEvent event) {
        topology.shutdownNow();
    }

    public boolean connected() {
        return client.isConnected();
    }

    /** Called after every (re)connection, e.g. to catch up on what was missed. */
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    /** Keeps {@code queue} (a connector channel's queue) bound to {@code exchange} by {@code key}. */
    public void keepBound(String queue, String exchange, String key) {
        var binding = new Binding(queue, exchange, key);
        bindings.add(binding);
        // now, if the queue is there yet; else the next check
        topology.execute(() -> {
            if (client.isConnected()) {
                bind(binding);
            }
        });
    }

    /** Where the time from publishing a batch to its confirms is recorded (metrics). */
    public void confirmLatency(Timer timer) {
        this.confirmTimer = timer;
    }

    /**
     * Publishes messages (persistent, mandatory off) and waits for the broker's confirms; throws when the broker is
     * unreachable, nacks or does not confirm in time (a memory or disk alarm). Blocks the calling thread: the relay's
     * own. Callers serialise their use (one relay thread a process).
     */
    public void publishConfirmed(String exchange, List<Message> messages, Duration timeout) {
        if (!client.isConnected()) {
            throw new IllegalStateException("not connected to RabbitMQ");
        }
        long started = System.nanoTime();
        try {
            if (declareFirst) {
                // the last batch failed: its channel is gone, and with it maybe the exchange
                declareExchanges().await().atMost(timeout);
                declareFirst = false;
            }
            for (var m : messages) {
                client.basicPublish(exchange, m.routingKey(), new AMQP.BasicProperties.Builder()
                        .contentType("application/json").deliveryMode(2).messageId(m.id())
                        .headers(m.headers().isEmpty() ? null : m.headers()).build(), Buffer.buffer(m.body()))
                        .await().atMost(timeout);
            }
            // OrDie: a timeout or nack closes the channel; the client opens a new one in confirm mode next time
            client.waitForConfirms(timeout.toMillis()).await().atMost(timeout.plusSeconds(1));
        } catch (RuntimeException e) {
            declareFirst = true;
            throw e;
        }
        var timer = confirmTimer;
        if (timer != null) {
            timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private Uni<Void> declareExchanges() {
        return client.exchangeDeclare(Exchanges.EVENTS, "topic", true, false)
                .chain(() -> client.exchangeDeclare(Exchanges.CONTROL, "direct", true, false))
                .chain(() -> client.exchangeDeclare(Exchanges.LOGS, "topic", true, false))
                .chain(() -> client.confirmSelect());
    }

    /**
     * Declares the exchanges and the kept bindings again (both idempotent): a deleted exchange takes its bindings
     * with it, and the queue behind them would wait for nothing. A queue being re-made by its consumer answers 404,
     * which closes this client's channel; the next call opens another.
     */
    private void checkTopology() {
        if (!client.isConnected()) {
            return;
        }
        try {
            declareExchanges().await().atMost(TOPOLOGY_CHECK);
            bindings.forEach(this::bind);
        } catch (RuntimeException e) {
            LOG.debugf("Topology check failed: %s", e.getMessage());
        }
    }

    private void bind(Binding b) {
        try {
            client.queueBind(b.queue(), b.exchange(), b.key()).await().atMost(TOPOLOGY_CHECK);
        } catch (RuntimeException e) {
            LOG.debugf("Binding of %s not checked: %s", b.queue(), e.getMessage());
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
        topology.shutdownNow();
        client.stop().await().atMost(Duration.ofSeconds(3));
    }
}
