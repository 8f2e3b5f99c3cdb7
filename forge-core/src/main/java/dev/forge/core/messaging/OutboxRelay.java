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
 * the event id).
 * <p>
 * A batch goes out as one AMQP message per workspace in it (a JSON array of events, routing key
 * {@code <workspace>.events}): one publish, one confirm and one delivery to each consumer for what used to be one of
 * each per event (13 for a document-review run). Runs on its own thread: it waits for confirms.
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
    private final BusClient bus;
    private final RabbitConfig config;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong published = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean running;

    public OutboxRelay(Pool pool, BusClient bus, RabbitConfig config) {
        this.pool = pool;
        this.bus = bus;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::loop, "forge-outbox-relay");
        thread.setDaemon(true);
        thread.start();
        bus.onReconnect(this::wake);
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
                int sent = bus.connected() ? relayBatch() : 0;
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
                // one message per workspace (consumers key on the event id, not on the order within it)
                var byWorkspace = new java.util.LinkedHashMap<String, io.vertx.core.json.JsonArray>();
                long first = -1;
                long last = -1;
                for (var r : rows) {
                    long id = r.getLong("id");
                    first = first < 0 ? id : Math.min(first, id);
                    last = Math.max(last, id);
                    var body = new JsonObject().put("id", id).put("workspace_id", r.getString("workspace_id"))
                            .put("run_id", r.getUUID("run_id") == null ? null : r.getUUID("run_id").toString())
                            .put("session_id", r.getUUID("session_id") == null ? null
                                    : r.getUUID("session_id").toString())
                            .put("type", r.getString("type")).put("severity", r.getString("severity"))
                            .put("source", r.getString("source")).put("payload", new JsonObject(r.getString("payload")))
                            .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString());
                    // the run's W3C trace rides along in each event (a batch carries several runs' traces)
                    String traceParent = r.getString("trace_parent");
                    if (traceParent != null) {
                        body.put(TraceContext.TRACEPARENT, traceParent);
                    }
                    byWorkspace.computeIfAbsent(r.getString("workspace_id"), w -> new io.vertx.core.json.JsonArray())
                            .add(body);
                }
                var messages = new ArrayList<BusClient.Message>(byWorkspace.size());
                for (var batch : byWorkspace.entrySet()) {
                    messages.add(new BusClient.Message(Exchanges.batchKey(batch.getKey()), first + "-" + last + "/"
                            + batch.getKey(), batch.getValue().toBuffer().getBytes()));
                }
                bus.publishConfirmed(Exchanges.EVENTS, messages, config.confirmTimeout());
                tx.commit().await().atMost(Duration.ofSeconds(10));
                published.addAndGet(rows.size());
                return rows.size();
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
