package dev.forge.worker.repository;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.core.messaging.OutboxRelay;
import dev.forge.core.queue.QueueStore;
import dev.forge.core.repository.GroupCommitter;
import dev.forge.worker.config.WorkerConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Group commit of job writes across concurrent runs ({@link GroupCommitter}): one transaction, one fence statement for
 * all the jobs, one statement per table (rows passed as arrays and unnested). Under load one commit carries tens of
 * steps, which is what lets PostgreSQL keep up (R1 profile: ~50 statements and 6 commits per run before, a handful of
 * statements per batch after).
 * <p>
 * A write whose lease moved on is dropped from the batch and answered {@code false}. If the batch transaction fails
 * (a write breaks a constraint, a signal was taken meanwhile), each write is retried alone, so one bad write fails
 * only itself.
 */
@ApplicationScoped
public class GroupCommit {

    // a run continuing after a wait for a person also drops its question and the answer it applied
    private static final String MARK_RUNNING = """
            UPDATE runs r SET status = 'running', attempt = u.attempt, started_at = COALESCE(r.started_at, now()),
                   updated_at = now(),
                   interrupt = CASE WHEN u.clear THEN NULL ELSE r.interrupt END,
                   resume = CASE WHEN u.clear THEN NULL ELSE r.resume END
            FROM unnest($1::uuid[], $2::int[], $3::bool[]) AS u(id, attempt, clear)
            WHERE r.id = u.id AND r.status IN ('pending', 'running', 'interrupted')""";

    private static final String INTERRUPT_RUNS = """
            UPDATE runs r SET status = 'interrupted', interrupt = u.interrupt::jsonb, resume = NULL, updated_at = now()
            FROM unnest($1::uuid[], $2::text[]) AS u(id, interrupt)
            WHERE r.id = u.id AND r.status IN ('pending', 'running', 'interrupted')""";

    // parked: no lease, so no slot; runnable again at the question's deadline or when a person answers. The claim's
    // attempt is handed back: waiting is not a failed attempt.
    private static final String PARK_JOBS = """
            UPDATE jobs j SET locked_by = NULL, lease_expires_at = NULL, attempt = j.attempt - 1,
                   run_at = COALESCE(u.until, 'infinity'::timestamptz)
            FROM unnest($1::bigint[], $2::timestamptz[]) AS u(id, until)
            WHERE j.id = u.id""";

    // one terminal status per run: only a still-live run changes, and the answer says which did
    private static final String FINISH = """
            UPDATE runs r SET status = u.status, output = u.output::jsonb, error = u.error::jsonb,
                   finished_at = now(), updated_at = now(), interrupt = NULL, resume = NULL
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(id, status, output, error)
            WHERE r.id = u.id AND r.status IN ('pending', 'running', 'interrupted')
            RETURNING r.id""";

    private static final String CHECKPOINTS = """
            INSERT INTO workflow_checkpoints (id, run_id, step_index, state, metadata, is_delta)
            SELECT gen_random_uuid(), c.run_id, c.step, c.state::jsonb, c.metadata::jsonb, c.delta
            FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::bool[])
                 AS c(run_id, step, state, metadata, delta)""";

    private static final String EDGES = """
            INSERT INTO run_edges (run_id, seq, step_index, from_executor, to_executor, message)
            SELECT e.run_id, e.seq, e.step, e.from_executor, e.to_executor, e.message::jsonb
            FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[])
                 AS e(run_id, seq, step, from_executor, to_executor, message)""";

    // the user's first message may already exist when a start is repeated after a lost commit answer
    private static final String MESSAGES = """
            INSERT INTO messages (run_id, session_id, seq, role, executor_id, content)
            SELECT m.run_id, m.session_id, m.seq, m.role, m.executor_id, m.content::jsonb
            FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[])
                 AS m(run_id, session_id, seq, role, executor_id, content)
            ON CONFLICT (run_id, seq) DO NOTHING""";

    private static final String SIGNAL = "INSERT INTO run_signals (workspace_id, target_session_id, channel, "
            + "payload, from_run_id, from_executor) VALUES ($1, $2, $3, $4::text::jsonb, $5, $6)";

    private static final String CONSUME_SIGNAL = "UPDATE run_signals SET consumed_at = now(), consumed_by_run = $2 "
            + "WHERE id = $1 AND consumed_at IS NULL";

    private static final String SESSIONS = """
            UPDATE sessions s SET status = u.status, updated_at = now()
            FROM unnest($1::uuid[], $2::text[]) AS u(id, status) WHERE s.id = u.id""";

    // ordered so each run's events get ascending ids in the order they were recorded
    private static final String EVENTS = """
            INSERT INTO events (workspace_id, run_id, session_id, type, severity, source, payload)
            SELECT e.workspace_id, e.run_id, e.session_id, e.type, e.severity, 'worker', e.payload::jsonb
            FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
                 AS e(workspace_id, run_id, session_id, type, severity, payload, n)
            ORDER BY e.n""";

    private final Pool pool;
    private final QueueStore queue;
    private final OutboxRelay relay;
    private final GroupCommitter<JobWrite, Boolean> committer;

    public GroupCommit(Pool pool, QueueStore queue, OutboxRelay relay, WorkerConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.queue = queue;
        this.relay = relay;
        this.committer = new GroupCommitter<>("job writes", config.commitFlushers(), config.commitBatchMax(),
                writes -> apply(writes).map(held -> writes.stream().map(w -> held.contains(w.job().jobId())).toList()),
                DistributionSummary.builder("forge.worker.commit.batch")
                        .description("Job writes per group-commit transaction").register(registry));
    }

    /** Applies the write in the next group commit; {@code false} if the job's lease moved on (nothing written). */
    Uni<Boolean> submit(JobWrite write) {
        return committer.submit(write);
    }

    /** One transaction for all the writes; returns the ids of the jobs still held (whose writes were applied). */
    private Uni<Set<Long>> apply(List<JobWrite> writes) {
        return pool.withTransaction(tx -> queue.fence(tx, writes.stream()
                .map(w -> new QueueStore.Held(w.job(), w.workerId())).toList()).flatMap(heldIds -> {
            var held = writes.stream().filter(w -> heldIds.contains(w.job().jobId())).toList();
            if (held.isEmpty()) {
                return Uni.createFrom().item(heldIds);
            }
            // statements that do not need each other's answers go out together: the client pipelines them on the
            // connection, one round trip instead of one each (a step's commit was ~8 round trips in a row)
            var finishing = finishRuns(tx, held);
            return Uni.combine().all().unis(markRunning(tx, held), finishing, checkpoints(tx, held), edges(tx, held),
                    messages(tx, held)).with(results -> {
                        @SuppressWarnings("unchecked")
                        var finished = (Set<UUID>) results.get(1);
                        return finished;
                    })
                    .flatMap(finished -> {
                        // a finish that found the run already terminal changes neither session nor events
                        var live = held.stream().filter(w -> w.terminal() == null || finished.contains(w.run().id()))
                                .toList();
                        return Uni.combine().all().unis(signals(tx, held), sessions(tx, live), events(tx, live),
                                queue.completeFenced(tx, held.stream().filter(JobWrite::completeJob)
                                        .map(w -> w.job().jobId()).toList()), park(tx, held)).discardItems();
                    })
                    .replaceWith(heldIds);
        })).invoke(heldIds -> {
            if (!heldIds.isEmpty()) {
                relay.wake(); // the events this transaction wrote go out now
            }
        });
    }

    private static Uni<Void> markRunning(SqlConnection tx, List<JobWrite> writes) {
        var starting = writes.stream().filter(w -> w.runningAttempt() != null).toList();
        if (starting.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(MARK_RUNNING).execute(Tuple.of(
                starting.stream().map(w -> w.run().id()).toArray(UUID[]::new),
                starting.stream().map(JobWrite::runningAttempt).toArray(Integer[]::new),
                starting.stream().map(JobWrite::clearWait).toArray(Boolean[]::new))).replaceWithVoid();
    }

    /** Runs that now wait for a person: interrupted with their question, their jobs unleased (after the fence). */
    private static Uni<Void> park(SqlConnection tx, List<JobWrite> writes) {
        var parking = writes.stream().filter(w -> w.park() != null).toList();
        if (parking.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(INTERRUPT_RUNS).execute(Tuple.of(
                parking.stream().map(w -> w.run().id()).toArray(UUID[]::new),
                parking.stream().map(w -> w.park().interrupt().toString()).toArray(String[]::new)))
                .flatMap(x -> tx.preparedQuery(PARK_JOBS).execute(Tuple.of(
                        parking.stream().map(w -> w.job().jobId()).toArray(Long[]::new),
                        parking.stream().map(w -> w.park().until() == null ? null
                                : w.park().until().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new))))
                .replaceWithVoid();
    }

    private static Uni<Set<UUID>> finishRuns(SqlConnection tx, List<JobWrite> writes) {
        var ending = writes.stream().filter(w -> w.terminal() != null).toList();
        if (ending.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return tx.preparedQuery(FINISH).execute(Tuple.of(
                ending.stream().map(w -> w.run().id()).toArray(UUID[]::new),
                ending.stream().map(w -> w.terminal().status()).toArray(String[]::new),
                ending.stream().map(w -> text(w.terminal().output())).toArray(String[]::new),
                ending.stream().map(w -> text(w.terminal().error())).toArray(String[]::new)))
                .map(rows -> {
                    var ids = new HashSet<UUID>();
                    rows.forEach(r -> ids.add(r.getUUID(0)));
                    return ids;
                });
    }

    private static Uni<Void> checkpoints(SqlConnection tx, List<JobWrite> writes) {
        var with = writes.stream().filter(w -> w.checkpoint() != null).toList();
        if (with.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(CHECKPOINTS).execute(Tuple.tuple()
                .addValue(with.stream().map(w -> w.run().id()).toArray(UUID[]::new))
                .addValue(with.stream().map(w -> w.checkpoint().stepIndex()).toArray(Integer[]::new))
                .addValue(with.stream().map(w -> w.checkpoint().state().toString()).toArray(String[]::new))
                .addValue(with.stream().map(w -> JsonValues.fromPlain(w.checkpoint().metadata()).toString())
                        .toArray(String[]::new))
                .addValue(with.stream().map(w -> w.checkpoint().delta()).toArray(Boolean[]::new)))
                .replaceWithVoid();
    }

    private static Uni<Void> edges(SqlConnection tx, List<JobWrite> writes) {
        var rows = new Rows<JobWrite, StepWrite.Edge>(writes, JobWrite::edges);
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(EDGES).execute(Tuple.tuple()
                .addValue(rows.column((w, e) -> w.run().id(), UUID[]::new))
                .addValue(rows.column((w, e) -> e.seq(), Integer[]::new))
                .addValue(rows.column((w, e) -> w.checkpoint() == null ? null : w.checkpoint().stepIndex(),
                        Integer[]::new))
                .addValue(rows.column((w, e) -> e.from(), String[]::new))
                .addValue(rows.column((w, e) -> e.to(), String[]::new))
                .addValue(rows.column((w, e) -> e.message().toString(), String[]::new)))
                .replaceWithVoid();
    }

    private static Uni<Void> messages(SqlConnection tx, List<JobWrite> writes) {
        var rows = new Rows<JobWrite, JobWrite.Message>(writes, JobWrite::messages);
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(MESSAGES).execute(Tuple.tuple()
                .addValue(rows.column((w, m) -> w.run().id(), UUID[]::new))
                .addValue(rows.column((w, m) -> w.run().sessionId(), UUID[]::new))
                .addValue(rows.column((w, m) -> m.seq(), Integer[]::new))
                .addValue(rows.column((w, m) -> m.role(), String[]::new))
                .addValue(rows.column((w, m) -> m.executorId(), String[]::new))
                .addValue(rows.column((w, m) -> m.content().toString(), String[]::new)))
                .replaceWithVoid();
    }

    /** Agent-to-agent messages are rare: one statement per write that has any. */
    private static Uni<Void> signals(SqlConnection tx, List<JobWrite> writes) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var w : writes) {
            if (!w.signals().isEmpty()) {
                chain = chain.flatMap(x -> tx.preparedQuery(SIGNAL).executeBatch(w.signals().stream()
                        .map(sig -> Tuple.of(w.run().workspaceId(), sig.targetSession(), sig.channel(),
                                sig.payload().toString(), w.run().id(), w.signalsFrom())).toList())
                        .replaceWithVoid());
            }
            if (w.consumedSignal() != null) {
                chain = chain.flatMap(x -> tx.preparedQuery(CONSUME_SIGNAL)
                        .execute(Tuple.of(w.consumedSignal(), w.run().id()))
                        .invoke(result -> {
                            if (result.rowCount() != 1) {
                                // another run took it meanwhile: roll back; the wait step runs again
                                throw new IllegalStateException("signal " + w.consumedSignal()
                                        + " was consumed by another run");
                            }
                        }).replaceWithVoid());
            }
        }
        return chain;
    }

    private static Uni<Void> sessions(SqlConnection tx, List<JobWrite> writes) {
        var with = writes.stream().filter(w -> w.sessionStatus() != null).toList();
        if (with.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(SESSIONS).execute(Tuple.of(
                with.stream().map(w -> w.run().sessionId()).toArray(UUID[]::new),
                with.stream().map(JobWrite::sessionStatus).toArray(String[]::new))).replaceWithVoid();
    }

    private static Uni<Void> events(SqlConnection tx, List<JobWrite> writes) {
        var rows = new Rows<JobWrite, JobWrite.Event>(writes, JobWrite::events);
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(EVENTS).execute(Tuple.tuple()
                .addValue(rows.column((w, e) -> w.run().workspaceId(), String[]::new))
                .addValue(rows.column((w, e) -> w.run().id(), UUID[]::new))
                .addValue(rows.column((w, e) -> w.run().sessionId(), UUID[]::new))
                .addValue(rows.column((w, e) -> e.type(), String[]::new))
                .addValue(rows.column((w, e) -> e.severity(), String[]::new))
                .addValue(rows.column((w, e) -> JsonValues.fromPlain(e.payload()).toString(), String[]::new)))
                .replaceWithVoid();
    }

    private static String text(JsonNode value) {
        return value == null ? null : value.toString();
    }

    /** The child rows (edges, messages, events) of many writes, flattened in order, read out column by column. */
    private static final class Rows<W, R> {
        private final List<W> owners = new ArrayList<>();
        private final List<R> rows = new ArrayList<>();

        Rows(List<W> writes, Function<W, List<R>> children) {
            for (var w : writes) {
                for (var r : children.apply(w)) {
                    owners.add(w);
                    rows.add(r);
                }
            }
        }

        boolean isEmpty() {
            return rows.isEmpty();
        }

        <T> T[] column(BiFunction<W, R, T> value, IntFunction<T[]> array) {
            T[] out = array.apply(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                out[i] = value.apply(owners.get(i), rows.get(i));
            }
            return out;
        }
    }
}
