package dev.forge.gateway.repository;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** What the monitoring views read: the workers table, the jobs they hold, the queue and the runs. */
@ApplicationScoped
public class MonitorRepository {

    /**
     * One worker as its row says, with the runs it holds now and the seconds since its heartbeat (by the database's
     * clock, the one the heartbeat was written with).
     */
    public record WorkerRow(UUID id, String host, String status, int slotsTotal, int slotsUsed, List<String> executors,
            OffsetDateTime heartbeatAt, OffsetDateTime startedAt, double silentSeconds, List<UUID> holders) {
    }

    /**
     * A run's job as the queue wants it: held by a worker under a lease epoch (each claim raises it, and a write
     * from an older epoch is refused), waiting for a worker (phase queued), or parked while its run waits for a
     * person (phase parked: no worker, no slot).
     */
    public record Assignment(UUID runId, long epoch, String phase, UUID worker, OffsetDateTime leaseExpiresAt,
            int attempt) {
    }

    /** Queue and run counts. */
    public record Load(long queued, long leased, long runsRunning, long runsPending, long runsWaiting,
            long dbConnections) {
    }

    private final Pool pool;

    public MonitorRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<WorkerRow>> workers() {
        return pool.query("SELECT w.id, w.host, w.status, w.slots_total, w.slots_used, "
                + "ARRAY(SELECT jsonb_array_elements_text(w.capabilities -> 'executors')) AS executors, "
                + "w.heartbeat_at, w.started_at, extract(epoch FROM now() - w.heartbeat_at)::float8 AS silent, "
                + "ARRAY(SELECT j.run_id FROM jobs j WHERE j.locked_by = w.id ORDER BY j.id) AS holders "
                + "FROM workers w ORDER BY w.started_at, w.id").execute().map(rows -> {
                    var out = new ArrayList<WorkerRow>();
                    for (Row r : rows) {
                        out.add(new WorkerRow(r.getUUID("id"), r.getString("host"), r.getString("status"),
                                r.getInteger("slots_total"), r.getInteger("slots_used"),
                                List.of(r.getArrayOfStrings("executors")), r.getOffsetDateTime("heartbeat_at"),
                                r.getOffsetDateTime("started_at"), r.getDouble("silent"),
                                List.of(r.getArrayOfUUIDs("holders"))));
                    }
                    return out;
                });
    }

    /** Unfinished jobs, newest epochs first, at most {@code limit}. */
    public Uni<List<Assignment>> assignments(int limit) {
        return pool.preparedQuery("SELECT j.run_id, j.lease_epoch, j.locked_by, j.lease_expires_at, j.attempt, "
                + "r.status = 'interrupted' AS parked FROM jobs j JOIN runs r ON r.id = j.run_id "
                + "ORDER BY j.lease_epoch DESC, j.id LIMIT $1").execute(Tuple.of(limit))
                .map(rows -> {
                    var out = new ArrayList<Assignment>();
                    for (Row r : rows) {
                        UUID worker = r.getUUID("locked_by");
                        out.add(new Assignment(r.getUUID("run_id"), r.getLong("lease_epoch"),
                                worker != null ? "leased" : r.getBoolean("parked") ? "parked" : "queued", worker,
                                r.getOffsetDateTime("lease_expires_at"),
                                r.getInteger("attempt")));
                    }
                    return out;
                });
    }

    public Uni<Load> load() {
        // a parked job (its run waits for a person) is not queue depth: no worker can take it until it is answered
        return pool.query("SELECT (SELECT count(*) FROM jobs j WHERE j.locked_by IS NULL AND NOT EXISTS ("
                + "SELECT 1 FROM runs r WHERE r.id = j.run_id AND r.status = 'interrupted')) AS queued, "
                + "(SELECT count(*) FROM jobs WHERE locked_by IS NOT NULL) AS leased, "
                + "(SELECT count(*) FROM runs WHERE status = 'running') AS running, "
                + "(SELECT count(*) FROM runs WHERE status = 'pending') AS pending, "
                + "(SELECT count(*) FROM runs WHERE status = 'interrupted') AS waiting, "
                + "(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) AS connections")
                .execute().map(rows -> {
                    var r = rows.iterator().next();
                    return new Load(r.getLong("queued"), r.getLong("leased"), r.getLong("running"),
                            r.getLong("pending"), r.getLong("waiting"), r.getLong("connections"));
                });
    }
}
