package dev.forge.core.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.core.config.LimitsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The PostgreSQL job queue. Jobs are runnable or leased rows only; a finished job is deleted. Every transition after
 * claim names the lease epoch, so a worker that lost its lease changes nothing.
 */
@ApplicationScoped
public class QueueStore {

    /** Wake-up channel for workers (see {@link JobWakeup}). */
    public static final String CHANNEL = "forge_jobs";

    // One statement: pick up to $2 runnable jobs, skipping rows other claimers hold, and lease them. The picked ids
    // go to the UPDATE as an array so it fetches them by primary key; a join let the planner hash-join against a
    // sequential scan of the whole queue (22 ms instead of 8 ms for 512 of 20,000 jobs).
    // A job is claimable only at the head of its session's queue, so two runs of one session never execute at once
    // and a session's runs start in order, while other sessions' jobs keep flowing.
    // Fair and limited: the runnable jobs are walked one (workspace, assistant) at a time (a loose scan of the
    // runnable index, at most 256 groups), the first $2 of each in queue order, locked as they are read (SKIP LOCKED:
    // concurrent claimers pass each other's rows, as a plain scan would); they are taken in turns — each workspace's
    // first, then each one's second, … — so one tenant's backlog does not hold another's runs behind it. With one
    // group (one workspace, one assistant) this is the plain queue-order claim plus two index probes.
    private static final String CANDIDATES = """
            WITH RECURSIVE grp AS (
                (SELECT j.workspace_id, j.assistant_id, 1 AS n FROM jobs j WHERE j.locked_by IS NULL
                 ORDER BY j.workspace_id, j.assistant_id LIMIT 1)
                UNION ALL
                SELECT nx.workspace_id, nx.assistant_id, g.n + 1 FROM grp g, LATERAL (
                    SELECT j.workspace_id, j.assistant_id FROM jobs j
                    WHERE j.locked_by IS NULL AND (j.workspace_id, j.assistant_id) > (g.workspace_id, g.assistant_id)
                    ORDER BY j.workspace_id, j.assistant_id LIMIT 1) nx
                WHERE g.n < 256),
            candidates AS (
                SELECT c.* FROM grp g, LATERAL (
                    SELECT j.id, j.workspace_id, j.assistant_id, j.priority, j.run_at FROM jobs j
                    WHERE j.workspace_id = g.workspace_id AND j.assistant_id = g.assistant_id
                      AND j.locked_by IS NULL AND j.run_at <= now()
                      AND (j.session_id IS NULL OR NOT EXISTS (
                            SELECT 1 FROM jobs h WHERE h.session_id = j.session_id AND h.id < j.id))
                    ORDER BY j.priority DESC, j.run_at, j.id LIMIT $2
                    FOR UPDATE SKIP LOCKED) c),
            """;

    private static final String LEASE = """
            UPDATE jobs j SET locked_by = $1, lease_epoch = j.lease_epoch + 1,
                   lease_expires_at = now() + make_interval(secs => $3), attempt = j.attempt + 1
            WHERE j.id = ANY(ARRAY(SELECT id FROM picked))
            RETURNING j.id, j.run_id, j.session_id, j.lease_epoch, j.attempt, j.max_attempts""";

    /** No concurrency limit in force: turns between workspaces only. */
    private static final String CLAIM = CANDIDATES + """
            turns AS (
                SELECT c.id, c.priority, c.run_at,
                       row_number() OVER (PARTITION BY c.workspace_id ORDER BY c.priority DESC, c.run_at, c.id) AS turn
                FROM candidates c),
            picked AS (SELECT t.id FROM turns t ORDER BY t.turn, t.priority DESC, t.run_at, t.id LIMIT $2)
            """ + LEASE;

    // A concurrency limit is in force: a job over its assistant's or its workspace's limit ($5 / $4 the defaults,
    // run_limits the overrides, 0 none; the leased jobs are what runs) is left waiting while the others pass it, and
    // the least busy workspace goes first within a turn.
    private static final String CLAIM_LIMITED = CANDIDATES + """
            leased AS MATERIALIZED (SELECT l.workspace_id, l.assistant_id FROM jobs l WHERE l.locked_by IS NOT NULL),
            assistant_busy AS (SELECT assistant_id, count(*) AS n FROM leased GROUP BY assistant_id),
            workspace_busy AS (SELECT workspace_id, count(*) AS n FROM leased GROUP BY workspace_id),
            per_assistant AS (
                SELECT c.*, coalesce(b.n, 0) + row_number() OVER (PARTITION BY c.assistant_id
                           ORDER BY c.priority DESC, c.run_at, c.id) AS at_most,
                       nullif(coalesce(r.max_concurrent, $5), 0) AS cap
                FROM candidates c LEFT JOIN assistant_busy b ON b.assistant_id = c.assistant_id
                LEFT JOIN run_limits r ON r.scope = 'assistant' AND r.subject = c.assistant_id::text),
            per_workspace AS (
                SELECT a.id, a.priority, a.run_at, coalesce(b.n, 0) AS busy,
                       row_number() OVER (PARTITION BY a.workspace_id ORDER BY a.priority DESC, a.run_at, a.id) AS turn,
                       nullif(coalesce(r.max_concurrent, $4), 0) AS cap
                FROM per_assistant a LEFT JOIN workspace_busy b ON b.workspace_id = a.workspace_id
                LEFT JOIN run_limits r ON r.scope = 'workspace' AND r.subject = a.workspace_id
                WHERE a.cap IS NULL OR a.at_most <= a.cap),
            picked AS (
                SELECT w.id FROM per_workspace w WHERE w.cap IS NULL OR w.busy + w.turn <= w.cap
                ORDER BY w.turn, w.busy, w.priority DESC, w.run_at, w.id LIMIT $2)
            """ + LEASE;

    // Claims take turns while a concurrency limit is in force: each claim's snapshot then sees the leases of the one
    // before it (within one statement, two claimers would both count the same free room).
    private static final String CLAIM_TURN = "SELECT pg_advisory_xact_lock(7246531)";
    private static final String LIMITS_IN_FORCE = "SELECT EXISTS (SELECT 1 FROM run_limits WHERE max_concurrent "
            + "> 0)";
    /** How long a worker trusts what it read about limits being set (a new limit applies within this). */
    private static final long LIMITS_RECHECK_NANOS = 2_000_000_000L;

    // Rows a step transaction has locked right now (its fence) are skipped rather than waited for: waiting made the
    // heartbeat and every step commit queue behind each other (a 650 ms heartbeat, 1.5 ms per fence under R1). A
    // skipped lease is extended by the next beat; the answer still counts it as held when the snapshot says so. (A
    // data-modifying WITH runs to completion whether or not the main query reads it.)
    private static final String HEARTBEAT = """
            WITH held AS (SELECT * FROM unnest($3::bigint[], $4::bigint[]) AS h(id, epoch)),
            extended AS (
                UPDATE jobs j SET lease_expires_at = now() + make_interval(secs => $2)
                WHERE j.id = ANY(ARRAY(
                    SELECT l.id FROM jobs l JOIN held ON l.id = held.id AND l.lease_epoch = held.epoch
                    WHERE l.locked_by = $1 FOR UPDATE OF l SKIP LOCKED))
                RETURNING j.id)
            SELECT held.id FROM held JOIN jobs j ON j.id = held.id AND j.lease_epoch = held.epoch AND j.locked_by = $1""";

    // several jobs (possibly of several worker engines in one process) in one statement, locked in id order
    private static final String FENCE = """
            SELECT j.id FROM jobs j
            JOIN unnest($1::bigint[], $2::uuid[], $3::bigint[]) AS f(id, worker, epoch)
              ON j.id = f.id AND j.locked_by = f.worker AND j.lease_epoch = f.epoch
            ORDER BY j.id FOR UPDATE OF j""";

    // only after fence() in the same transaction: the row locks make the ids alone enough
    private static final String COMPLETE_FENCED = "DELETE FROM jobs WHERE id = ANY($1::bigint[])";

    private static final String COMPLETE_ALL = """
            DELETE FROM jobs j USING unnest($2::bigint[], $3::bigint[]) AS done(id, epoch)
            WHERE j.id = done.id AND j.lease_epoch = done.epoch AND j.locked_by = $1""";

    private static final String RELEASE = """
            UPDATE jobs SET locked_by = NULL, lease_expires_at = NULL,
                   run_at = now() + make_interval(secs => $4),
                   attempt = CASE WHEN $5 THEN attempt - 1 ELSE attempt END, last_error = $6
            WHERE id = $1 AND locked_by = $2 AND lease_epoch = $3""";

    private static final String REQUEUE_EXPIRED = """
            UPDATE jobs SET locked_by = NULL, lease_expires_at = NULL, run_at = now(),
                   last_error = 'lease expired (worker ' || locked_by || ', attempt ' || attempt || ')'
            WHERE id IN (SELECT id FROM jobs WHERE locked_by IS NOT NULL AND lease_expires_at < now()
                         AND attempt < max_attempts LIMIT 1000 FOR UPDATE SKIP LOCKED)
            RETURNING run_id, session_id, attempt""";

    private static final String FAIL_EXHAUSTED = """
            WITH dead AS (
                DELETE FROM jobs WHERE id IN (
                    SELECT id FROM jobs WHERE locked_by IS NOT NULL AND lease_expires_at < now()
                      AND attempt >= max_attempts LIMIT 1000 FOR UPDATE SKIP LOCKED)
                RETURNING run_id, session_id, attempt, locked_by),
            failed AS (
                UPDATE runs r SET status = 'failed', finished_at = now(), updated_at = now(),
                       error = jsonb_build_object('type', 'lease_expired',
                           'message', 'the run''s worker stopped heartbeating ' || dead.attempt
                               || ' time(s); giving up after the maximum attempts',
                           'attempts', dead.attempt, 'last_worker', dead.locked_by::text)
                FROM dead WHERE r.id = dead.run_id AND r.status IN ('pending', 'running', 'interrupted')
                RETURNING r.id, r.session_id, r.workspace_id),
            idle AS (
                UPDATE sessions s SET status = 'error', updated_at = now() FROM failed WHERE s.id = failed.session_id)
            INSERT INTO events (workspace_id, run_id, session_id, type, severity, source, payload)
            SELECT failed.workspace_id, failed.id, failed.session_id, 'run.failed', 'error', 'reaper',
                   jsonb_build_object('reason', 'lease_expired')
            FROM failed
            RETURNING run_id, session_id""";

    private final Pool pool;
    private final LimitsConfig limits;
    private volatile boolean limitsSet;
    private volatile long limitsCheckedAt = System.nanoTime() - LIMITS_RECHECK_NANOS;

    public QueueStore(Pool pool, LimitsConfig limits) {
        this.pool = pool;
        this.limits = limits;
    }

    /**
     * Vacuums the queue table (outside any transaction); skipped when another session is vacuuming it. The table
     * only holds unfinished jobs, so this is cheap; it keeps the queue small where autovacuum is off or behind.
     */
    public Uni<Void> vacuum() {
        return pool.query("VACUUM (SKIP_LOCKED) jobs").execute().replaceWithVoid();
    }

    /** The pool the queue runs on, for writes outside a caller's transaction. */
    public Pool pool() {
        return pool;
    }

    /** Adds the job for a run of the workspace's assistant; call inside the transaction that inserts the run. */
    public Uni<Long> enqueue(SqlClient tx, UUID runId, UUID sessionId, String workspace, UUID assistantId,
            int maxAttempts) {
        return tx.preparedQuery("INSERT INTO jobs (run_id, session_id, max_attempts, workspace_id, assistant_id) "
                + "VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .execute(Tuple.of(runId, sessionId, maxAttempts, workspace, assistantId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Leases at most {@code limit} jobs to the worker in one statement. */
    public Uni<List<ClaimedJob>> claim(UUID workerId, int limit, Duration lease) {
        if (limit <= 0) {
            return Uni.createFrom().item(List.of());
        }
        return concurrencyLimited().flatMap(limited -> limited
                ? pool.withTransaction(tx -> tx.query(CLAIM_TURN).execute()
                        .flatMap(x -> tx.preparedQuery(CLAIM_LIMITED).execute(Tuple.of(workerId, limit,
                                seconds(lease), limits.workspace().maxConcurrent(),
                                limits.assistant().maxConcurrent()))))
                : pool.preparedQuery(CLAIM).execute(Tuple.of(workerId, limit, seconds(lease))))
                .map(rows -> {
                    var out = new ArrayList<ClaimedJob>(rows.size());
                    for (Row r : rows) {
                        out.add(new ClaimedJob(r.getLong("id"), r.getUUID("run_id"), r.getUUID("session_id"),
                                r.getLong("lease_epoch"), r.getInteger("attempt"), r.getInteger("max_attempts")));
                    }
                    return out;
                });
    }

    /** Whether a concurrency limit is in force: a default in config, or one set through the API (read every 2 s). */
    private Uni<Boolean> concurrencyLimited() {
        if (limits.workspace().maxConcurrent() > 0 || limits.assistant().maxConcurrent() > 0) {
            return Uni.createFrom().item(true);
        }
        if (System.nanoTime() - limitsCheckedAt < LIMITS_RECHECK_NANOS) {
            return Uni.createFrom().item(limitsSet);
        }
        return recheckLimits();
    }

    /** Reads now whether a limit is set through the API (otherwise this happens at most every 2 s). */
    public Uni<Boolean> recheckLimits() {
        return pool.query(LIMITS_IN_FORCE).execute().map(rows -> {
            limitsSet = rows.iterator().next().getBoolean(0);
            limitsCheckedAt = System.nanoTime();
            return limitsSet;
        });
    }

    /** Extends the leases of every job the worker still holds, in one statement; returns the job ids still held. */
    public Uni<Set<Long>> heartbeat(UUID workerId, List<ClaimedJob> held, Duration lease) {
        if (held.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        Long[] ids = held.stream().map(ClaimedJob::jobId).toArray(Long[]::new);
        Long[] epochs = held.stream().map(ClaimedJob::epoch).toArray(Long[]::new);
        return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(workerId, seconds(lease), ids, epochs))
                .map(rows -> {
                    var still = new HashSet<Long>();
                    rows.forEach(r -> still.add(r.getLong(0)));
                    return still;
                });
    }

    /** A job and the worker (engine) that claims to hold it. */
    public record Held(ClaimedJob job, UUID workerId) {
    }

    /**
     * Locks the rows of the jobs whose worker still holds that epoch and answers their ids; a job missing from the
     * answer was lost (its lease moved on) and nothing may be written for it. Call first inside every transaction
     * that writes on behalf of jobs.
     */
    public Uni<Set<Long>> fence(SqlConnection tx, List<Held> jobs) {
        return tx.preparedQuery(FENCE).execute(Tuple.of(
                jobs.stream().map(h -> h.job().jobId()).toArray(Long[]::new),
                jobs.stream().map(Held::workerId).toArray(UUID[]::new),
                jobs.stream().map(h -> h.job().epoch()).toArray(Long[]::new)))
                .map(rows -> {
                    var ids = new HashSet<Long>();
                    rows.forEach(r -> ids.add(r.getLong(0)));
                    return ids;
                });
    }

    /** Removes finished jobs that {@link #fence} locked earlier in this transaction. */
    public Uni<Void> completeFenced(SqlConnection tx, List<Long> jobIds) {
        if (jobIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(COMPLETE_FENCED).execute(Tuple.of((Object) jobIds.toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /**
     * Removes many finished jobs in one statement and one commit (fenced per job): a group commit for consumers whose
     * job's work has no transaction of its own. Returns how many were still held.
     */
    public Uni<Integer> completeAll(UUID workerId, List<ClaimedJob> jobs) {
        if (jobs.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Long[] ids = jobs.stream().map(ClaimedJob::jobId).toArray(Long[]::new);
        Long[] epochs = jobs.stream().map(ClaimedJob::epoch).toArray(Long[]::new);
        return pool.preparedQuery(COMPLETE_ALL).execute(Tuple.of(workerId, ids, epochs)).map(rows -> rows.rowCount());
    }

    /**
     * Gives a job back to the queue (fenced). {@code refundAttempt} for work returned on graceful shutdown, which
     * is not the job's fault; {@code delay} to retry later.
     */
    public Uni<Boolean> release(SqlClient client, ClaimedJob job, UUID workerId, Duration delay, boolean refundAttempt,
            String reason) {
        return client.preparedQuery(RELEASE)
                .execute(Tuple.from(List.of(job.jobId(), workerId, job.epoch(), seconds(delay), refundAttempt,
                        reason == null ? "" : reason)))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Returns jobs whose lease expired to the queue, and fails the runs of those that used up their attempts.
     * Safe to run from every worker at once (SKIP LOCKED).
     */
    public Uni<List<ReapedJob>> reapExpired() {
        return pool.withTransaction(tx -> tx.preparedQuery(REQUEUE_EXPIRED).execute()
                .map(rows -> {
                    var out = new ArrayList<ReapedJob>();
                    rows.forEach(r -> out.add(new ReapedJob(r.getUUID("run_id"), r.getUUID("session_id"), null,
                            r.getInteger("attempt"), false)));
                    return out;
                })
                .flatMap(requeued -> tx.preparedQuery(FAIL_EXHAUSTED).execute().map(rows -> {
                    var out = new ArrayList<>(requeued);
                    rows.forEach(r -> out.add(new ReapedJob(r.getUUID("run_id"), r.getUUID("session_id"), null, 0,
                            true)));
                    return out;
                })))
                .map(List::copyOf);
    }

    /** Which of these runs have a pending cancel request (the backstop for a missed control message). */
    public Uni<Set<UUID>> cancelRequested(List<UUID> runIds) {
        if (runIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return pool.preparedQuery("SELECT id FROM runs WHERE id = ANY($1) AND cancel_requested_at IS NOT NULL")
                .execute(Tuple.of(runIds.toArray(UUID[]::new)))
                .map(rows -> {
                    var out = new HashSet<UUID>();
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    /** Runnable and leased counts, for health and metrics. */
    public Uni<JsonObject> depth() {
        return pool.query("SELECT count(*) FILTER (WHERE locked_by IS NULL) AS runnable, "
                + "count(*) FILTER (WHERE locked_by IS NOT NULL) AS leased FROM jobs").execute()
                .map(rows -> {
                    var r = rows.iterator().next();
                    return new JsonObject().put("runnable", r.getLong(0)).put("leased", r.getLong(1));
                });
    }

    static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    static String ids(List<ClaimedJob> jobs) {
        return jobs.stream().map(j -> Long.toString(j.jobId())).collect(Collectors.joining(","));
    }
}
