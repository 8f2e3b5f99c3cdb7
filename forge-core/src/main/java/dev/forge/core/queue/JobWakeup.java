package dev.forge.core.queue;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Wakes idle workers after jobs were committed. Debounced on the trailing edge: many enqueues within the window cost
 * one NOTIFY, and every enqueue committed before the NOTIFY is sent is covered by it. Workers also poll, so a lost
 * notification only delays pickup by the poll interval.
 */
@ApplicationScoped
public class JobWakeup {

    private static final Logger LOG = Logger.getLogger(JobWakeup.class);
    static final long DEBOUNCE_MS = 2;

    private final Pool pool;
    private final Vertx vertx;
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public JobWakeup(Pool pool, Vertx vertx) {
        this.pool = pool;
        this.vertx = vertx;
    }

    /** Call after the transaction that enqueued jobs has committed. */
    public void jobsCommitted() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        vertx.setTimer(DEBOUNCE_MS, id -> {
            scheduled.set(false);
            pool.query("NOTIFY " + QueueStore.CHANNEL).execute().subscribe().with(
                    rows -> { },
                    e -> LOG.warnf("NOTIFY %s failed (workers will poll): %s", QueueStore.CHANNEL, e.getMessage()));
        });
    }
}
