package dev.forge.gateway.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.forge.api.repository.OnVertxContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Schedules through Hibernate Reactive with Panache, each method a unit of work on a Vert.x context of its own
 * ({@link OnVertxContext#isolated}): the API's calls and every gateway's poller never share a session.
 */
@ApplicationScoped
public class ScheduleRepository implements PanacheRepositoryBase<StoredSchedule, UUID> {

    public Uni<StoredSchedule> insert(StoredSchedule schedule) {
        schedule.createdAt = OffsetDateTime.now();
        schedule.updatedAt = schedule.createdAt;
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> persist(schedule)));
    }

    public Uni<Optional<StoredSchedule>> find(String workspace, UUID id) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> find("id = ?1 and workspaceId = ?2", id,
                workspace).firstResult().map(Optional::ofNullable)));
    }

    /** A workspace's schedules by name, optionally of one assistant. */
    public Uni<List<StoredSchedule>> list(String workspace, UUID assistantId, int limit, int offset) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> (assistantId == null
                ? find("workspaceId = ?1", Sort.by("name").and("id"), workspace)
                : find("workspaceId = ?1 and assistantId = ?2", Sort.by("name").and("id"), workspace, assistantId))
                .range(offset, offset + limit - 1).list()));
    }

    /** Changes a schedule under a row lock (concurrent changes apply one after the other); empty if unknown. */
    public Uni<Optional<StoredSchedule>> update(String workspace, UUID id, Consumer<StoredSchedule> change) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> find("id = ?1 and workspaceId = ?2", id,
                workspace).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult().map(s -> {
                    if (s == null) {
                        return Optional.<StoredSchedule>empty();
                    }
                    change.accept(s);
                    s.updatedAt = OffsetDateTime.now();
                    return Optional.of(s);
                })));
    }

    public Uni<Boolean> delete(String workspace, UUID id) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> delete("id = ?1 and workspaceId = ?2",
                id, workspace).map(n -> n > 0)));
    }

    /** Due ticks (not paused, next fire time reached), soonest first, at most {@code limit}. */
    public Uni<List<StoredSchedule>> due(OffsetDateTime now, int limit) {
        return OnVertxContext.isolated(() -> Panache.withSession(() -> find("paused = false and nextFireAt <= ?1",
                Sort.by("nextFireAt"), now).range(0, limit - 1).list()));
    }

    /**
     * Moves a schedule past the tick it was read at — only if nobody moved it meanwhile (another gateway, a change
     * through the API) — and records what the tick did ({@code firedAt} and {@code runId} as they now stand). False:
     * it had moved on; nothing is changed.
     */
    public Uni<Boolean> advance(UUID id, OffsetDateTime tick, OffsetDateTime next, OffsetDateTime firedAt, UUID runId,
            String error) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> update("nextFireAt = ?1, "
                + "lastFiredAt = ?2, lastRunId = ?3, lastError = ?4, updatedAt = ?5 where id = ?6 and nextFireAt = ?7",
                next, firedAt, runId, error, OffsetDateTime.now(), id, tick).map(n -> n == 1)));
    }
}
