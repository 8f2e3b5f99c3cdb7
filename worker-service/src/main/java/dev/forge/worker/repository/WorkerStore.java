package dev.forge.worker.repository;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The workers table: slot capacity registration, heartbeats, deregistration. */
@ApplicationScoped
public class WorkerStore {

    private final Pool pool;

    public WorkerStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> register(UUID id, String host, int slots, JsonObject capabilities) {
        return pool.preparedQuery("INSERT INTO workers (id, host, slots_total, slots_used, capabilities, status) "
                + "VALUES ($1, $2, $3, 0, $4::text::jsonb, 'active') ON CONFLICT (id) DO UPDATE SET host = $2, "
                + "slots_total = $3, capabilities = $4::text::jsonb, status = 'active', heartbeat_at = now()")
                .execute(Tuple.of(id, host, slots, capabilities.encode())).replaceWithVoid();
    }

    /**
     * A heartbeat never revives a stopped row: one still in flight when the worker deregisters would otherwise land
     * after it and leave a stopped node looking silent (ERROR) instead of STOPPED.
     */
    public Uni<Void> heartbeat(UUID id, int slotsUsed, String status) {
        return pool.preparedQuery("UPDATE workers SET slots_used = $2, status = $3, heartbeat_at = now() "
                + "WHERE id = $1 AND status <> 'stopped'").execute(Tuple.of(id, slotsUsed, status))
                .replaceWithVoid();
    }

    /**
     * A graceful stop: the row stays, {@code stopped} with no slots in use, so deployment views can tell a stopped
     * node from a lost one; stopped and lost rows go after a day.
     */
    public Uni<Void> deregister(UUID id) {
        return pool.preparedQuery("UPDATE workers SET status = 'stopped', slots_used = 0, heartbeat_at = now() "
                + "WHERE id = $1").execute(Tuple.of(id))
                .flatMap(x -> pool.query("DELETE FROM workers WHERE status IN ('stopped', 'lost') "
                        + "AND heartbeat_at < now() - interval '1 day'").execute())
                .replaceWithVoid();
    }

    /** Workers silent for longer than {@code silence} are marked lost (their jobs are reaped by lease expiry). */
    public Uni<Integer> markLost(Duration silence) {
        return pool.preparedQuery("UPDATE workers SET status = 'lost', slots_used = 0 WHERE status IN ('active', "
                + "'draining') "
                + "AND heartbeat_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of(silence.toMillis() / 1000.0)).map(rows -> rows.rowCount());
    }
}
