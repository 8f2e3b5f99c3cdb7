package dev.forge.core.scheduling;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * A background round every interval on a Vert.x timer (non-blocking rounds only); a round still running when the
 * next is due is not overlapped, and a failed round is logged and the next one tried.
 */
public final class PeriodicTask {

    private static final Logger LOG = Logger.getLogger(PeriodicTask.class);

    private final Vertx vertx;
    private final long timer;
    private final AtomicBoolean running = new AtomicBoolean();

    private PeriodicTask(Vertx vertx, Duration every, String what, Supplier<Uni<?>> round) {
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(every.toMillis(), id -> {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            Uni.createFrom().deferred(round).onTermination().invoke(() -> running.set(false)).subscribe().with(
                    done -> { }, e -> LOG.warnf("%s failed: %s", what, e.getMessage()));
        });
    }

    /** Starts the task, or returns null when {@code every} is zero or negative (turned off). */
    public static PeriodicTask every(Vertx vertx, Duration every, String what, Supplier<Uni<?>> round) {
        return every.isZero() || every.isNegative() ? null : new PeriodicTask(vertx, every, what, round);
    }

    public void cancel() {
        vertx.cancelTimer(timer);
    }
}
