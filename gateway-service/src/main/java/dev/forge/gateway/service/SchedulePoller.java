package dev.forge.gateway.service;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.forge.api.service.ApiProblem;
import dev.forge.core.scheduling.PeriodicTask;
import dev.forge.gateway.config.ScheduleConfig;
import dev.forge.gateway.repository.ScheduleRepository;
import dev.forge.gateway.repository.StoredSchedule;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Fires due schedules, on every gateway at once without coordination: a tick's run is created under the idempotency
 * key {@code schedule-<id>-<tick>} (a second gateway creating it gets the same run back), then the schedule moves past
 * the tick only from the tick it was read at. So each tick makes exactly one run whatever the number of gateways,
 * and a gateway dying between the two steps leaves the tick to the next poll, which finds the run already made.
 * A tick fired more than {@code misfire-grace} late (every gateway was down) follows the schedule's misfire policy:
 * {@code skip} makes no run, {@code run_once} one run for all the missed ticks; either way the schedule continues
 * from the next tick after now, never working off a backlog.
 */
@Singleton
public class SchedulePoller {

    private static final Logger LOG = Logger.getLogger(SchedulePoller.class);

    private final ScheduleRepository schedules;
    private final RunCreation runs;
    private final ScheduleConfig config;
    private final Vertx vertx;
    private PeriodicTask task;

    public SchedulePoller(ScheduleRepository schedules, RunCreation runs, ScheduleConfig config, Vertx vertx) {
        this.schedules = schedules;
        this.runs = runs;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        task = PeriodicTask.every(vertx, config.pollInterval(), "schedule poll", this::pollOnce);
    }

    void stop(@Observes ShutdownEvent event) {
        if (task != null) {
            task.cancel();
        }
    }

    /** Fires every due tick once; the item is how many ticks this call moved on. */
    public Uni<Integer> pollOnce() {
        var now = OffsetDateTime.now(ZoneOffset.UTC);
        return schedules.due(now, config.batch()).flatMap(due -> due.isEmpty() ? Uni.createFrom().item(0)
                : Multi.createFrom().iterable(due).onItem().transformToUniAndConcatenate(s -> fire(s, now.toInstant()))
                        .collect().asList().map(moved -> (int) moved.stream().filter(Boolean::booleanValue).count()));
    }

    /** One due tick of one schedule: its run (or none, for a skipped misfire), then the schedule moved on. */
    Uni<Boolean> fire(StoredSchedule s, Instant now) {
        var times = ScheduleService.times(s);
        Instant tick = s.nextFireAt.toInstant();
        boolean misfired = Duration.between(tick, now).compareTo(config.misfireGrace()) > 0;
        Instant next = times.next(misfired ? now : tick);
        if (!next.isAfter(now)) {
            next = times.next(now);
        }
        OffsetDateTime nextAt = next.atOffset(ZoneOffset.UTC);
        if (misfired && s.misfirePolicy.equals("skip")) {
            LOG.infof("Schedule %s (%s) missed its tick at %s: skipped (misfire_policy skip)", s.id, s.name, tick);
            return schedules.advance(s.id, s.nextFireAt, nextAt, s.lastFiredAt, s.lastRunId, "missed the tick at "
                    + tick + ", skipped (misfire_policy skip)");
        }
        String key = "schedule-" + s.id + "-" + tick.getEpochSecond();
        String session = s.sessionId == null ? null : s.sessionId.toString();
        return runs.createScheduled(s.workspaceId, ScheduleService.runBody(s), session, key, s.id)
                .onItemOrFailure().transformToUni((created, failure) -> {
                    if (failure == null) {
                        UUID run = UUID.fromString(created.run().get("id").asText());
                        return schedules.advance(s.id, s.nextFireAt, nextAt, OffsetDateTime.now(ZoneOffset.UTC), run,
                                misfired ? "missed the tick at " + tick + "; ran once (misfire_policy run_once)"
                                        : null);
                    }
                    if (failure instanceof ApiProblem p && p.type().equals("idempotency-key-reused")) {
                        // the schedule changed after another gateway fired this tick: it has its run
                        return schedules.advance(s.id, s.nextFireAt, nextAt, s.lastFiredAt, s.lastRunId, null);
                    }
                    if (failure instanceof ApiProblem p && p.status() >= 400 && p.status() < 500) {
                        // the run was refused (assistant gone, session busy under reject, overrides no longer fit):
                        // this tick is over; the refusal is shown on the schedule
                        LOG.warnf("Schedule %s (%s): the run for %s was refused: %s", s.id, s.name, tick, p.getMessage());
                        return schedules.advance(s.id, s.nextFireAt, nextAt, s.lastFiredAt, s.lastRunId,
                                "the run for " + tick + " was refused: " + p.getMessage());
                    }
                    // runs paused, database trouble: the tick stays due and the next poll tries again
                    LOG.warnf("Schedule %s (%s): could not create the run for %s (will retry): %s", s.id, s.name, tick,
                            failure.getMessage());
                    return Uni.createFrom().item(false);
                });
    }
}
