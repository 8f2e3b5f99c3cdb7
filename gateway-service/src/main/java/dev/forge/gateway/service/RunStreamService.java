package dev.forge.gateway.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;
import dev.forge.core.messaging.BusClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A run's events as a stream, read from the events table: every event is committed before it is streamed, ids are
 * the table's, so a client resuming after any id — mid-run, after the end, on another gateway — gets exactly the
 * events after it. A stream waiting for news is woken by the RabbitMQ fan-out ({@link #signal}); polling is only the
 * fallback (every second, or every 100 ms while the broker is unreachable).
 */
@ApplicationScoped
public class RunStreamService {

    private static final Duration POLL_WITH_BROKER = Duration.ofSeconds(1);
    private static final Duration POLL_WITHOUT_BROKER = Duration.ofMillis(100);
    private static final int BATCH = 500;
    public static final String DELTA = "message.delta";

    private final Pool pool;
    private final Vertx vertx;
    private final BusClient bus;
    private final ConcurrentHashMap<UUID, Set<Runnable>> waiting =
            new ConcurrentHashMap<>();
    /** The streams following each run now, for token deltas (which are not stored). */
    private final ConcurrentHashMap<UUID, Set<Consumer<RunEvent>>>
            following = new ConcurrentHashMap<>();

    public RunStreamService(Pool pool, Vertx vertx, BusClient bus) {
        this.pool = pool;
        this.vertx = vertx;
        this.bus = bus;
    }

    /** News for a run: wake the streams waiting on it. */
    public void signal(UUID runId) {
        var waiters = waiting.remove(runId);
        if (waiters != null) {
            waiters.forEach(Runnable::run);
        }
    }

    /**
     * A token delta of a running step: handed to the streams following the run at this moment, with id 0 — deltas
     * are not stored, so a resumed stream does not replay them; the step's whole message is a stored event.
     */
    public void delta(UUID runId, ObjectNode payload) {
        var streams = following.get(runId);
        if (streams == null) {
            return;
        }
        var event = new RunEvent(0, runId, DELTA, "info", payload, Instant.now().toString());
        streams.forEach(s -> s.accept(event));
    }

    /** Wake every waiting stream (after a broker reconnect: what was missed is in PostgreSQL). */
    public void signalAll() {
        for (var runId : List.copyOf(waiting.keySet())) {
            signal(runId);
        }
    }

    /** Runs {@code next} once: on the run's next signal or after the polling fallback, whichever comes first. */
    private void awaitNews(UUID runId, Runnable next) {
        var fired = new AtomicBoolean();
        Runnable once = () -> {
            if (fired.compareAndSet(false, true)) {
                next.run();
            }
        };
        waiting.computeIfAbsent(runId, k -> ConcurrentHashMap.newKeySet()).add(once);
        var poll = bus.connected() ? POLL_WITH_BROKER : POLL_WITHOUT_BROKER;
        vertx.setTimer(poll.toMillis(), t -> {
            var set = waiting.get(runId);
            if (set != null) {
                set.remove(once);
                if (set.isEmpty()) {
                    waiting.remove(runId, set);
                }
            }
            once.run();
        });
    }

    /** Events of the run after {@code afterId}, ending with its terminal event. */
    public Multi<RunEvent> events(UUID runId, long afterId) {
        return Multi.createFrom().emitter(emitter -> {
            var cancelled = new AtomicBoolean();
            // deltas come from the broker's threads, stored events from the event loop: emits are serialised
            Consumer<RunEvent> onDelta = event -> {
                synchronized (emitter) {
                    if (!cancelled.get()) {
                        emitter.emit(event);
                    }
                }
            };
            following.computeIfAbsent(runId, k -> ConcurrentHashMap.newKeySet()).add(onDelta);
            emitter.onTermination(() -> {
                cancelled.set(true);
                following.computeIfPresent(runId, (k, set) -> {
                    set.remove(onDelta);
                    return set.isEmpty() ? null : set;
                });
            });
            pump(emitter, runId, afterId, cancelled);
        });
    }

    private void pump(MultiEmitter<? super RunEvent> emitter, UUID runId, long afterId, AtomicBoolean cancelled) {
        if (cancelled.get()) {
            return;
        }
        fetch(runId, afterId).subscribe().with(batch -> {
            long next = emit(emitter, batch, afterId, cancelled);
            if (next < 0) {
                return;
            }
            if (batch.size() == BATCH) {
                pump(emitter, runId, next, cancelled);
            } else if (batch.isEmpty()) {
                // nothing new: a finished run's terminal event committed with its status, so it was already sent
                // (or the client resumed after it) and the stream is complete
                finished(runId).subscribe().with(done -> {
                    if (done) {
                        // the run ended after that read: its last events (the terminal one included, committed with
                        // the status) are visible now — one more read, then the stream is complete
                        drain(emitter, runId, next, cancelled);
                    } else {
                        awaitNews(runId, () -> pump(emitter, runId, next, cancelled));
                    }
                }, emitter::fail);
            } else {
                awaitNews(runId, () -> pump(emitter, runId, next, cancelled));
            }
        }, emitter::fail);
    }

    private void drain(MultiEmitter<? super RunEvent> emitter, UUID runId, long afterId, AtomicBoolean cancelled) {
        fetch(runId, afterId).subscribe().with(batch -> {
            long last = emit(emitter, batch, afterId, cancelled);
            if (last < 0) {
                return;
            }
            if (batch.size() == BATCH) {
                drain(emitter, runId, last, cancelled);
            } else {
                emitter.complete();
            }
        }, emitter::fail);
    }

    /**
     * Emits a batch in order: the id of the last event emitted, or -1 when the stream is over (the client went away,
     * or the run's terminal event was sent and the stream completed).
     */
    private static long emit(MultiEmitter<? super RunEvent> emitter, List<RunEvent> batch, long afterId,
            AtomicBoolean cancelled) {
        long last = afterId;
        synchronized (emitter) {
            for (var event : batch) {
                if (cancelled.get()) {
                    return -1;
                }
                emitter.emit(event);
                last = event.id();
                if (event.terminal()) {
                    emitter.complete();
                    return -1;
                }
            }
        }
        return last;
    }

    private Uni<Boolean> finished(UUID runId) {
        // a run waiting for a person is not finished: its stream stays open for run.resumed and what follows
        return pool.preparedQuery("SELECT status NOT IN ('pending', 'running', 'interrupted') FROM runs "
                + "WHERE id = $1")
                .execute(Tuple.of(runId))
                .map(rows -> !rows.iterator().hasNext() || rows.iterator().next().getBoolean(0));
    }

    private Uni<List<RunEvent>> fetch(UUID runId, long afterId) {
        return pool.preparedQuery("SELECT id, type, severity, payload::text AS payload, created_at FROM events "
                + "WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT " + BATCH)
                .execute(Tuple.of(runId, afterId))
                .map(rows -> {
                    var out = new ArrayList<RunEvent>(rows.size());
                    rows.forEach(r -> {
                        ObjectNode payload;
                        try {
                            payload = (ObjectNode) JsonValues.MAPPER.readTree(r.getString("payload"));
                        } catch (Exception e) {
                            throw new IllegalStateException("stored event payload is invalid", e);
                        }
                        out.add(new RunEvent(r.getLong("id"), runId, r.getString("type"), r.getString("severity"),
                                payload, r.getOffsetDateTime("created_at").toInstant().toString()));
                    });
                    return out;
                });
    }
}
