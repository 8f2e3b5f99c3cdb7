package dev.forge.worker.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import dev.forge.core.flow.ExecutorType;
import dev.forge.core.json.ServiceVersion;
import dev.forge.core.messaging.ControlMessages;
import dev.forge.core.messaging.Exchanges;
import dev.forge.core.queue.ClaimedJob;
import dev.forge.core.queue.QueueStore;
import dev.forge.worker.repository.WorkerStore;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;

/**
 * One queue worker: registers its slots, claims at most its free slots per statement when woken (NOTIFY, a finished
 * run, or the polling backstop), runs a Coordinator per job, extends all its leases in one heartbeat, reaps expired
 * leases, and on stop drains within a grace period and hands the rest back.
 */
public class WorkerEngine {

    private static final Logger LOG = Logger.getLogger(WorkerEngine.class);

    /** A job being executed here, and the switch to stop it. */
    private record Active(ClaimedJob job, RunControl control) {
    }

    private final UUID id;
    private final String host;
    private final WorkerSettings settings;
    private final QueueStore queue;
    private final WorkerStore workers;
    private final Coordinator coordinator;
    private final Vertx vertx;
    private final PgSubscriber subscriber;

    private final Map<Long, Active> active = new ConcurrentHashMap<>();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private volatile BooleanSupplier claimsPaused = () -> false;
    private final AtomicBoolean claimAgain = new AtomicBoolean();
    private final List<Long> timers = new ArrayList<>();
    private final AtomicLong lastHeartbeatMillis = new AtomicLong();
    private final AtomicLong runsFinished = new AtomicLong();
    private volatile boolean draining;
    private volatile boolean started;

    public WorkerEngine(UUID id, String host, WorkerSettings settings, QueueStore queue, WorkerStore workers,
            Coordinator coordinator, Vertx vertx, PgSubscriber subscriber) {
        this.id = id;
        this.host = host;
        this.settings = settings;
        this.queue = queue;
        this.workers = workers;
        this.coordinator = coordinator;
        this.vertx = vertx;
        this.subscriber = subscriber;
    }

    public UUID id() {
        return id;
    }

    public int slotsUsed() {
        return active.size();
    }

    public int slotsTotal() {
        return settings.slots();
    }

    public boolean draining() {
        return draining;
    }

    public boolean started() {
        return started;
    }

    public long runsFinished() {
        return runsFinished.get();
    }

    /** When the last heartbeat succeeded (liveness). */
    public Instant lastHeartbeat() {
        return Instant.ofEpochMilli(lastHeartbeatMillis.get());
    }

    /** A control message for this process's workers (a cancel or a signal); one for runs elsewhere changes nothing. */
    public void onControl(byte[] body) {
        ControlMessages.cancelledRun(body).ifPresent(this::cancel);
        ControlMessages.signalledSession(body).ifPresent(session -> active.values().stream()
                .filter(a -> session.equals(a.job().sessionId())).forEach(a -> a.control().signalArrived()));
    }

    public Uni<Void> start() {
        var capabilities = new JsonObject().put("executors", Arrays.stream(
                ExecutorType.values()).map(ExecutorType::yamlName).toList())
                .put("version", ServiceVersion.current());
        return workers.register(id, host, settings.slots(), capabilities)
                .flatMap(x -> subscriber == null ? Uni.createFrom().voidItem() : listen())
                .invoke(() -> {
                    lastHeartbeatMillis.set(System.currentTimeMillis());
                    timers.add(vertx.setPeriodic(settings.pollInterval().toMillis(), t -> wake()));
                    timers.add(vertx.setPeriodic(settings.heartbeatInterval().toMillis(), t -> heartbeat()));
                    timers.add(vertx.setPeriodic(settings.reaperInterval().toMillis(), t -> reap()));
                    started = true;
                    LOG.infof("Worker %s started on %s with %d slots", id, host, settings.slots());
                    wake();
                });
    }

    private Uni<Void> listen() {
        subscriber.reconnectPolicy(retries -> 1000L);
        subscriber.channel(QueueStore.CHANNEL).handler(payload -> wake());
        return subscriber.connect();
    }

    /**
     * Claims nothing while {@code paused} answers true (the {@code claims-paused} feature flag): running runs go on,
     * new work waits for another worker or for the flag to clear, when the next poll or notification claims again.
     */
    public void pauseClaimsWhile(BooleanSupplier paused) {
        this.claimsPaused = paused;
    }

    /** Claims work if slots are free; concurrent wake-ups while a claim is in flight coalesce into one more claim. */
    public void wake() {
        if (draining || !started && active.isEmpty() && timers.isEmpty() || claimsPaused.getAsBoolean()) {
            return;
        }
        if (!claiming.compareAndSet(false, true)) {
            claimAgain.set(true);
            return;
        }
        claimAgain.set(false);
        int free = settings.slots() - active.size();
        if (free <= 0) {
            claiming.set(false);
            return;
        }
        queue.claim(id, free, settings.lease()).subscribe().with(jobs -> {
            if (!draining) {
                jobs.forEach(this::launch);
            } else {
                jobs.forEach(j -> handBack(j, "worker draining"));
            }
            claiming.set(false);
            if (claimAgain.getAndSet(false) || (jobs.size() == free && active.size() < settings.slots())) {
                wake();
            }
        }, failure -> {
            claiming.set(false);
            LOG.warnf("Claim failed (will retry on next wake-up): %s", failure.getMessage());
        });
    }

    private void launch(ClaimedJob job) {
        var control = new RunControl();
        active.put(job.jobId(), new Active(job, control));
        coordinator.execute(job, id, control).subscribe().with(
                done -> finished(job),
                failure -> {
                    LOG.errorf(failure, "Run %s interrupted on worker %s; returning it to the queue", job.runId(), id);
                    queue.release(queue.pool(), job, id, Duration.ofSeconds(1), false,
                            "worker error: " + failure.getMessage()).subscribe().with(
                                    ok -> finished(job), e -> finished(job));
                });
    }

    private void finished(ClaimedJob job) {
        active.remove(job.jobId());
        runsFinished.incrementAndGet();
        wake();
    }

    private void handBack(ClaimedJob job, String reason) {
        queue.release(queue.pool(), job, id, Duration.ZERO, true, reason).subscribe().with(ok -> { },
                e -> LOG.warnf("Could not hand back job %d: %s (its lease will expire)", job.jobId(), e.getMessage()));
    }

    /** Cancels the run if this worker executes it. */
    void cancel(UUID runId) {
        active.values().stream().filter(a -> a.job().runId().equals(runId)).forEach(a -> {
            LOG.infof("Run %s cancelled by request", runId);
            a.control().cancel();
        });
    }

    /** One statement extends every lease; a job whose lease moved on is told to stop. */
    void heartbeat() {
        var held = active.values().stream().map(Active::job).toList();
        queue.heartbeat(id, held, settings.lease())
                .flatMap(still -> {
                    for (var a : active.values()) {
                        if (!still.contains(a.job().jobId()) && held.contains(a.job())) {
                            LOG.warnf("Worker %s lost the lease of run %s", id, a.job().runId());
                            a.control().stop("lease lost");
                        }
                    }
                    return queue.cancelRequested(active.values().stream().map(a -> a.job().runId()).toList());
                })
                .flatMap(cancelled -> {
                    cancelled.forEach(this::cancel);
                    return workers.heartbeat(id, active.size(), draining ? "draining" : "active");
                })
                .subscribe().with(ok -> lastHeartbeatMillis.set(System.currentTimeMillis()),
                        e -> LOG.warnf("Heartbeat of worker %s failed: %s", id, e.getMessage()));
    }

    void reap() {
        queue.reapExpired()
                .flatMap(reaped -> {
                    for (var r : reaped) {
                        if (r.runFailed()) {
                            LOG.warnf("Run %s failed: lease expired and attempts used up", r.runId());
                        } else {
                            LOG.infof("Run %s returned to the queue after its lease expired (attempt %d)", r.runId(),
                                    r.attempt());
                        }
                    }
                    if (!reaped.isEmpty()) {
                        wake();
                    }
                    return workers.markLost(settings.lease().multipliedBy(3));
                })
                .subscribe().with(n -> { }, e -> LOG.warnf("Reaper failed: %s", e.getMessage()));
    }

    /**
     * Graceful stop: claim nothing more, let in-flight runs finish within the grace period, hand the rest back to
     * the queue (their attempt refunded), deregister.
     */
    public Uni<Void> stop(Duration grace) {
        draining = true;
        LOG.infof("Worker %s draining: %d run(s) in flight, grace %s", id, active.size(), grace);
        Instant until = Instant.now().plus(grace);
        return workers.heartbeat(id, active.size(), "draining").onFailure().recoverWithNull()
                .flatMap(x -> waitIdle(until))
                .flatMap(x -> {
                    var remaining = List.copyOf(active.values());
                    remaining.forEach(a -> a.control().stop("handed back on shutdown"));
                    if (remaining.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    LOG.infof("Worker %s hands %d run(s) back to the queue", id, remaining.size());
                    return Uni.join().all(remaining.stream().map(a -> queue.release(queue.pool(), a.job(), id,
                            Duration.ZERO, true, "returned on graceful shutdown of worker " + id)).toList())
                            .andCollectFailures().replaceWithVoid();
                })
                .invoke(() -> {
                    timers.forEach(vertx::cancelTimer);
                    timers.clear();
                    started = false;
                })
                .flatMap(x -> subscriber == null ? Uni.createFrom().voidItem()
                        : subscriber.close().onFailure().recoverWithNull())
                .flatMap(x -> workers.deregister(id))
                .invoke(() -> LOG.infof("Worker %s stopped and deregistered", id));
    }

    private Uni<Void> waitIdle(Instant until) {
        if (active.isEmpty() || Instant.now().isAfter(until)) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(50))
                .flatMap(x -> waitIdle(until));
    }

    /** Stops timers and listening without touching the database: what a crashed process would leave behind. */
    public void crash() {
        draining = true;
        timers.forEach(vertx::cancelTimer);
        timers.clear();
        active.values().forEach(a -> a.control().stop("simulated crash"));
        if (subscriber != null) {
            subscriber.close().subscribe().with(x -> { }, e -> { });
        }
    }
}
