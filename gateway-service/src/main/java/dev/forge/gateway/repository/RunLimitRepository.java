package dev.forge.gateway.repository;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Limits set through the API ({@code run_limits}), and what each workspace runs now against them. */
@ApplicationScoped
public class RunLimitRepository {

    /** One override: {@code null} fields fall back to the configured default, 0 is no limit. */
    public record Override(String scope, String subject, String workspace, Integer maxConcurrent,
            Integer runsPerMinute) {
    }

    /** A workspace's runs now: executing (leased), queued (runnable), waiting for a person (parked). */
    public record Usage(String workspace, long running, long queued, long waiting) {
    }

    private final Pool pool;

    public RunLimitRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<Override>> all() {
        return pool.query("SELECT scope, subject, workspace_id, max_concurrent, runs_per_minute FROM run_limits")
                .execute().map(rows -> {
                    var list = new ArrayList<Override>(rows.size());
                    for (Row r : rows) {
                        list.add(new Override(r.getString(0), r.getString(1), r.getString(2), r.getInteger(3),
                                r.getInteger(4)));
                    }
                    return list;
                });
    }

    public Uni<Void> put(Override limit) {
        return pool.preparedQuery("INSERT INTO run_limits (scope, subject, workspace_id, max_concurrent, "
                + "runs_per_minute, updated_at) VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (scope, subject) "
                + "DO UPDATE SET max_concurrent = EXCLUDED.max_concurrent, runs_per_minute = EXCLUDED.runs_per_minute, "
                + "updated_at = now()").execute(Tuple.of(limit.scope(), limit.subject(), limit.workspace(),
                        limit.maxConcurrent(), limit.runsPerMinute())).replaceWithVoid();
    }

    public Uni<Boolean> delete(String scope, String subject) {
        return pool.preparedQuery("DELETE FROM run_limits WHERE scope = $1 AND subject = $2")
                .execute(Tuple.of(scope, subject)).map(rows -> rows.rowCount() == 1);
    }

    /** Per workspace (of all, or of one): jobs running, queued and parked, from the queue itself. */
    public Uni<List<Usage>> usage(String workspace) {
        return pool.preparedQuery("""
                SELECT workspace_id,
                       count(*) FILTER (WHERE locked_by IS NOT NULL) AS running,
                       count(*) FILTER (WHERE locked_by IS NULL AND run_at <= now()) AS queued,
                       count(*) FILTER (WHERE locked_by IS NULL AND run_at > now()) AS waiting
                FROM jobs WHERE $1::text IS NULL OR workspace_id = $1 GROUP BY workspace_id ORDER BY workspace_id""")
                .execute(Tuple.of(workspace)).map(rows -> {
                    var list = new ArrayList<Usage>(rows.size());
                    for (Row r : rows) {
                        list.add(new Usage(r.getString(0), r.getLong(1), r.getLong(2), r.getLong(3)));
                    }
                    return list;
                });
    }
}
