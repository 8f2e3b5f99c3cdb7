package dev.forge.core.queue;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Wakes idle workers after jobs were committed. Debounced on both edges: the first enqueue after a quiet period
 * notifies at once (pickup latency), enqueues within the following window cost one trailing NOTIFY, and every enqueue
 * committed before a NOTIFY is sent is covered by it. Workers also poll, so a lost notification only delays pickup by
 * the poll interval.
 */
@ApplicationScoped
public class JobWakeup {

    private static final Logger LOG = Logger.getLogger(JobWakeup.class);
    static final long DEBOUNCE_MS = 2;

    private final Pool pool;
    private final Vertx vertx;
    private final AtomicBoolean window = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();

    public JobWakeup(Pool pool, Vertx vertx) {
        this.pool = pool;
        this.vertx = vertx;
    }

    /** Call after the transaction that enqueued jobs has committed. */
    public void jobsCommitted() {
        pending.set(true);
        if (window.compareAndSet(false, true)) {
            fire();
        }
    }

    private void fire() {
        // cleared before sending: whatever is marked after this is covered by the next NOTIFY
        pending.set(false);
        pool.query("NOTIFY " + QueueStore.CHANNEL).execute().subscribe().with(
                rows -> { },
                e -> LOG.warnf("NOTIFY %s failed (workers will poll): %s", QueueStore.CHANNEL, e.getMessage()));
        vertx.setTimer(DEBOUNCE_MS, id -> {
            window.set(false);
            if (pending.get() && window.compareAndSet(false, true)) {
                fire();
            }
        });
    }
}
