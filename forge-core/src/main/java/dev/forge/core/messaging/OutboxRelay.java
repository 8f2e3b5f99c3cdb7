package dev.forge.core.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes committed run events to RabbitMQ: the events table is the outbox, read behind a cursor. Each event row
 * carries the id of the transaction that wrote it; a relay round reads the events after the cursor in (transaction,
 * id) order, only from transactions older than every transaction still running — those are committed or rolled back
 * for good, so an event that commits later always sorts after the cursor. The round holds the cursor's row lock
 * (relays in several processes take turns), publishes with publisher confirms, and moves the cursor in the same
 * transaction only after the broker confirmed; an unconfirmed batch rolls back and goes again. Nothing reaches the
 * broker before it is committed and no event row is written twice. A crash between the confirm and the commit
 * re-publishes that batch (at-least-once; consumers key on the event id). The cost: a transaction that stays open
 * for long after writing holds back the events of transactions that started after it.
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

    /** The events not yet published, as {@code FROM} and {@code WHERE} (alias {@code e}): for gauges and tests. */
    // the cursor as a row subquery: an index condition on (tx, id); as a join it was a scan of every event
    public static final String UNPUBLISHED = "events e "
            + "WHERE (e.tx, e.id) > (SELECT c.tx, c.event_id FROM outbox_cursor c WHERE c.name = 'events')";

    // waits for another process's round to end: then the cursor it moved is read
    private static final String LOCK_CURSOR = "SELECT tx::text AS tx, event_id FROM outbox_cursor "
            + "WHERE name = 'events' FOR UPDATE";

    private static final String NEXT = """
            SELECT e.id, e.tx::text AS tx, e.workspace_id, e.run_id, e.session_id, e.type, e.severity, e.source,
                   e.payload::text AS payload, e.created_at,
                   (SELECT r.trace_parent FROM runs r WHERE r.id = e.run_id) AS trace_parent
            FROM events e
            WHERE (e.tx, e.id) > ($1::text::xid8, $2) AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY e.tx, e.id LIMIT $3""";

    private static final String ADVANCE = "UPDATE outbox_cursor SET tx = $1::text::xid8, event_id = $2 "
            + "WHERE name = 'events'";

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
                var cursor = connection.query(LOCK_CURSOR).execute().await().atMost(Duration.ofSeconds(10))
                        .iterator().next();
                var rows = connection.preparedQuery(NEXT).execute(Tuple.of(cursor.getString("tx"),
                        cursor.getLong("event_id"), BATCH)).await().atMost(Duration.ofSeconds(10));
                if (rows.size() == 0) {
                    tx.commit().await().atMost(Duration.ofSeconds(10));
                    return 0;
                }
                // one message per workspace (consumers key on the event id, not on the order within it)
                var byWorkspace = new LinkedHashMap<String, JsonArray>();
                long first = -1;
                long last = -1;
                String lastTx = null;
                long lastId = -1;
                for (var r : rows) {
                    // rows come in cursor order: the last one is where the cursor moves to
                    lastTx = r.getString("tx");
                    lastId = r.getLong("id");
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
                    byWorkspace.computeIfAbsent(r.getString("workspace_id"), w -> new JsonArray())
                            .add(body);
                }
                var messages = new ArrayList<BusClient.Message>(byWorkspace.size());
                for (var batch : byWorkspace.entrySet()) {
                    messages.add(new BusClient.Message(Exchanges.batchKey(batch.getKey()), first + "-" + last + "/"
                            + batch.getKey(), batch.getValue().toBuffer().getBytes()));
                }
                bus.publishConfirmed(Exchanges.EVENTS, messages, config.confirmTimeout());
                connection.preparedQuery(ADVANCE).execute(Tuple.of(lastTx, lastId)).await()
                        .atMost(Duration.ofSeconds(10));
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
