package dev.forge.core.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.forge.core.config.RabbitConfig;
import dev.forge.telemetry.tracing.TraceContext;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes committed run events to RabbitMQ: the events table is the outbox. In one transaction the relay marks a
 * batch of unpublished rows published (row locks, SKIP LOCKED, so relays in several processes share the work),
 * publishes them with publisher confirms, and commits only after the broker confirmed; an unconfirmed batch rolls
 * back and is published again. Nothing reaches the broker before it is committed, and each event row is written once
 * by the relay. A crash between the confirm and the commit re-publishes that batch (at-least-once; consumers key on
 * the event id). Runs on its own thread because the AMQP client blocks.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    private static final String MARK = """
            UPDATE events SET published_at = now()
            WHERE id IN (SELECT id FROM events WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, workspace_id, run_id, session_id, type, severity, source, payload::text AS payload,
                      created_at, (SELECT r.trace_parent FROM runs r WHERE r.id = events.run_id) AS trace_parent""";

    private final Pool pool;
    private final Rabbit rabbit;
    private final RabbitConfig config;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong published = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean running;

    public OutboxRelay(Pool pool, Rabbit rabbit, RabbitConfig config) {
        this.pool = pool;
        this.rabbit = rabbit;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "forge-outbox-relay");
        thread.setDaemon(true);
        thread.start();
        rabbit.onReconnect(this::wake);
    }

    /** Call after committing events, so they go out now rather than at the next poll. */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Events this process has published (for metrics and tests). */
    public long published() {
        return published.get();
    }

    private void loop() {
        Duration backoff = IDLE_POLL;
        while (running) {
            try {
                int sent = rabbit.connected() ? relayBatch() : 0;
                backoff = IDLE_POLL;
                if (sent == BATCH) {
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warnf("Outbox relay could not publish (will retry): %s", e.getMessage());
                backoff = Duration.ofMillis(Math.min(backoff.toMillis() * 2, 5_000));
            }
            try {
                wake.tryAcquire(backoff.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private int relayBatch() throws Exception {
        // this relay's own thread: blocking on the pool here never holds an event loop
        var connection = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            var tx = connection.begin().await().atMost(Duration.ofSeconds(10));
            try {
                var rows = connection.preparedQuery(MARK).execute(Tuple.of(BATCH)).await()
                        .atMost(Duration.ofSeconds(10));
                if (rows.size() == 0) {
                    tx.commit().await().atMost(Duration.ofSeconds(10));
                    return 0;
                }
                var messages = new ArrayList<Rabbit.Message>(rows.size());
                for (var r : rows) {
                    long id = r.getLong("id");
                    var body = new JsonObject().put("id", id).put("workspace_id", r.getString("workspace_id"))
                            .put("run_id", r.getUUID("run_id") == null ? null : r.getUUID("run_id").toString())
                            .put("session_id", r.getUUID("session_id") == null ? null
                                    : r.getUUID("session_id").toString())
                            .put("type", r.getString("type")).put("severity", r.getString("severity"))
                            .put("source", r.getString("source")).put("payload", new JsonObject(r.getString("payload")))
                            .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString());
                    // the run's W3C trace rides along: in the body for consumers of the JSON, as the AMQP header
                    // for tracing-aware ones
                    String traceParent = r.getString("trace_parent");
                    if (traceParent != null) {
                        body.put(TraceContext.TRACEPARENT, traceParent);
                    }
                    messages.add(new Rabbit.Message(Exchanges.eventKey(r.getString("workspace_id"),
                            r.getString("type")), Long.toString(id),
                            body.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            traceParent == null ? java.util.Map.of()
                                    : java.util.Map.of(TraceContext.TRACEPARENT, traceParent)));
                }
                rabbit.publishConfirmed(Exchanges.EVENTS, messages, config.confirmTimeout().toMillis());
                tx.commit().await().atMost(Duration.ofSeconds(10));
                published.addAndGet(messages.size());
                return messages.size();
            } catch (Exception e) {
                tx.rollback().onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(10));
                throw e;
            }
        } finally {
            connection.close().onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(10));
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        var t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

}
