package dev.forge.worker.repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.checkpoint.Checkpoints;
import dev.forge.core.json.JsonValues;
import dev.forge.core.messaging.OutboxRelay;
import dev.forge.core.queue.ClaimedJob;
import dev.forge.core.queue.QueueStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The worker's writes to runs, checkpoints, messages, edges and events. Every write on behalf of a job runs in one
 * transaction that first fences on the job's lease epoch; {@code false} means the lease moved on and nothing was
 * written.
 */
@ApplicationScoped
public class RunStore {

    private final Pool pool;
    private final QueueStore queue;
    private final OutboxRelay relay;

    public RunStore(Pool pool, QueueStore queue, OutboxRelay relay) {
        this.pool = pool;
        this.queue = queue;
        this.relay = relay;
    }

    public Uni<Optional<RunRecord>> load(UUID runId) {
        return pool.preparedQuery("SELECT id, session_id, workspace_id, status, input::text AS input, "
                + "overrides::text AS overrides, flow_name, flow_version, started_at, "
                + "cancel_requested_at IS NOT NULL AS cancel_requested, "
                + "(SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'content_type', a.content_type, "
                + " 'size_bytes', a.size_bytes, 'sha256', a.sha256, 'storage_key', a.storage_key) ORDER BY l.position) "
                + " FROM run_artifacts l JOIN artifacts a ON a.id = l.artifact_id WHERE l.run_id = runs.id)::text "
                + " AS artifacts FROM runs WHERE id = $1")
                .execute(Tuple.of(runId))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new RunRecord(r.getUUID("id"), r.getUUID("session_id"),
                            r.getString("workspace_id"), r.getString("status"), json(r.getString("input")),
                            json(r.getString("overrides")), r.getString("flow_name"), r.getString("flow_version"),
                            r.getOffsetDateTime("started_at"), r.getBoolean("cancel_requested"),
                            artifacts(json(r.getString("artifacts")))));
                });
    }

    private static List<RunRecord.Artifact> artifacts(JsonNode list) {
        if (list == null) {
            return List.of();
        }
        var out = new ArrayList<RunRecord.Artifact>();
        list.forEach(a -> out.add(new RunRecord.Artifact(a.path("id").asText(), a.path("name").asText(),
                a.path("content_type").asText(), a.path("size_bytes").asLong(), a.path("sha256").asText(),
                a.path("storage_key").asText())));
        return out;
    }

    /** The step index of the latest checkpoint, by the seed's (run_id, updated_at DESC) index. */
    public Uni<Optional<Integer>> latestStep(UUID runId) {
        return pool.preparedQuery("SELECT step_index FROM workflow_checkpoints WHERE run_id = $1 "
                + "ORDER BY updated_at DESC, step_index DESC LIMIT 1")
                .execute(Tuple.of(runId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getInteger(0))
                        : Optional.empty());
    }

    /** The whole state of one checkpoint (its keyframe with the deltas up to it applied). */
    public Uni<JsonNode> state(UUID runId, int step) {
        return Checkpoints.stateAt(pool, runId, step).map(found -> found.orElseThrow(() -> new IllegalStateException(
                "run " + runId + " has no checkpoint at step " + step)));
    }

    /**
     * Starts a run: its first checkpoint (step 0), status running, the input as the first user message, the session
     * busy, and a run.started event, in one fenced transaction — a run is never running without its first checkpoint.
     */
    public Uni<Boolean> start(ClaimedJob job, UUID workerId, RunRecord run, JsonNode initialState,
            String firstExecutor) {
        return fenced(job, workerId, tx -> insertCheckpoint(tx, run.id(), 0, initialState, false,
                Map.of("kind", "start", "worker", workerId.toString(), "attempt", job.attempt()))
                .flatMap(x -> tx.preparedQuery("UPDATE runs SET status = 'running', started_at = COALESCE(started_at, "
                        + "now()), attempt = $2, step_index = 0, current_step = NULL, updated_at = now() "
                        + "WHERE id = $1 AND status IN ('pending', 'running')")
                        .execute(Tuple.of(run.id(), job.attempt())))
                .flatMap(x -> tx.preparedQuery("INSERT INTO messages (run_id, session_id, seq, role, content) "
                        + "VALUES ($1, $2, 0, 'user', $3::text::jsonb) ON CONFLICT (run_id, seq) DO NOTHING")
                        .execute(Tuple.of(run.id(), run.sessionId(), run.input().toString())))
                .flatMap(x -> sessionStatus(tx, run.sessionId(), "busy"))
                .flatMap(x -> events(tx, run, List.of(
                        new Event("run.started", "info", Map.of("worker", workerId.toString(), "attempt",
                                job.attempt())),
                        new Event("step.started", "info", Map.of("step", 1, "executor", firstExecutor))))));
    }

    /**
     * Continuing from an existing checkpoint: after another worker lost the run, or the first start of a fork (whose
     * first checkpoint is the parent's state). Records the attempt and tells streams which step runs next.
     */
    public Uni<Boolean> resume(ClaimedJob job, UUID workerId, RunRecord run, int fromStep, String nextExecutor) {
        boolean firstStart = run.startedAt() == null;
        var events = new ArrayList<Event>();
        events.add(firstStart
                ? new Event("run.started", "info", Map.of("worker", workerId.toString(), "attempt", job.attempt(),
                        "from_step", fromStep))
                : new Event("run.resumed", "warning", Map.of("worker", workerId.toString(), "attempt",
                        job.attempt(), "from_step", fromStep)));
        if (nextExecutor != null) {
            events.add(new Event("step.started", "info", Map.of("step", fromStep + 1, "executor", nextExecutor)));
        }
        return fenced(job, workerId, tx -> tx.preparedQuery("UPDATE runs SET status = 'running', attempt = $2, "
                + "started_at = COALESCE(started_at, now()), updated_at = now() "
                + "WHERE id = $1 AND status IN ('pending', 'running')")
                .execute(Tuple.of(run.id(), job.attempt()))
                .flatMap(x -> sessionStatus(tx, run.sessionId(), "busy"))
                .flatMap(x -> events(tx, run, events)));
    }

    /**
     * Commits one step: checkpoint, edges, assistant message, signals and events together. The run row is not
     * touched: its progress is read from the latest checkpoint (one write fewer per step).
     */
    public Uni<Boolean> commitStep(ClaimedJob job, UUID workerId, RunRecord run, StepWrite step) {
        return fenced(job, workerId, tx -> insertCheckpoint(tx, run.id(), step.stepIndex(), step.state(),
                step.stateIsDelta(), step.metadata())
                .flatMap(x -> step.edges().isEmpty() ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("INSERT INTO run_edges (run_id, seq, step_index, from_executor, "
                                + "to_executor, message) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)")
                                .executeBatch(step.edges().stream().map(e -> Tuple.of(run.id(), e.seq(),
                                        step.stepIndex(), e.from(), e.to(), e.message().toString())).toList())
                                .replaceWithVoid())
                .flatMap(x -> step.messageContent() == null ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("INSERT INTO messages (run_id, session_id, seq, role, executor_id, "
                                + "content) VALUES ($1, $2, $3, 'assistant', $4, $5::text::jsonb)")
                                .execute(Tuple.of(run.id(), run.sessionId(), step.messageSeq(), step.executorId(),
                                        step.messageContent().toString()))
                                .replaceWithVoid())
                .flatMap(x -> step.signals().isEmpty() ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("INSERT INTO run_signals (workspace_id, target_session_id, channel, "
                                + "payload, from_run_id, from_executor) VALUES ($1, $2, $3, $4::text::jsonb, $5, $6)")
                                .executeBatch(step.signals().stream().map(sig -> Tuple.of(run.workspaceId(),
                                        sig.targetSession(), sig.channel(), sig.payload().toString(), run.id(),
                                        step.executorId())).toList())
                                .replaceWithVoid())
                .flatMap(x -> step.consumedSignal() == null ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("UPDATE run_signals SET consumed_at = now(), consumed_by_run = $2 "
                                + "WHERE id = $1 AND consumed_at IS NULL")
                                .execute(Tuple.of(step.consumedSignal(), run.id()))
                                .invoke(rows -> {
                                    if (rows.rowCount() != 1) {
                                        // another run took it meanwhile: roll back; the wait step runs again
                                        throw new IllegalStateException("signal " + step.consumedSignal()
                                                + " was consumed by another run");
                                    }
                                }).replaceWithVoid())
                .flatMap(x -> events(tx, run, stepEvents(step))));
    }

    private static List<Event> stepEvents(StepWrite step) {
        var out = new ArrayList<Event>();
        var completed = new LinkedHashMap<String, Object>();
        completed.put("step", step.stepIndex());
        completed.put("executor", step.executorId());
        completed.put("type", step.executorType());
        completed.put("duration_ms", step.metadata().get("duration_ms"));
        completed.put("output", summary(step.output()));
        out.add(new Event("step.completed", "info", completed));
        if (step.messageContent() != null) {
            out.add(new Event("message", "info", Map.of("seq", step.messageSeq(), "role", "assistant",
                    "executor", step.executorId(), "text", step.messageContent().path("text").asText())));
        }
        if (step.nextExecutor() != null) {
            out.add(new Event("step.started", "info", Map.of("step", step.stepIndex() + 1, "executor",
                    step.nextExecutor())));
        }
        return out;
    }

    /** Short text of an output for events; the full value is in the checkpoint. */
    static String summary(JsonNode output) {
        String text = JsonValues.text(output);
        return text.length() <= 280 ? text : text.substring(0, 277) + "...";
    }

    /**
     * Ends a run with exactly one terminal status: the update only applies while the run is still pending or
     * running, and the job leaves the queue in the same transaction.
     */
    public Uni<Boolean> finish(ClaimedJob job, UUID workerId, RunRecord run, String status, JsonNode output,
            JsonNode error) {
        String sessionStatus = status.equals("succeeded") || status.equals("cancelled") ? "idle" : "error";
        // the session only changes when no other run of it is waiting (enqueued runs keep it busy)
        String severity = status.equals("succeeded") ? "info" : "error";
        return fenced(job, workerId, tx -> tx.preparedQuery("UPDATE runs SET status = $2, output = $3::text::jsonb, "
                + "error = $4::text::jsonb, finished_at = now(), updated_at = now() "
                + "WHERE id = $1 AND status IN ('pending', 'running')")
                .execute(Tuple.of(run.id(), status, output == null ? null : output.toString(),
                        error == null ? null : error.toString()))
                .flatMap(updated -> queue.complete(tx, job, workerId)
                        .flatMap(x -> updated.rowCount() == 0 ? Uni.createFrom().voidItem()
                                : sessionStatus(tx, run.sessionId(), sessionStatus)
                                        .flatMap(y -> events(tx, run, List.of(new Event("run." + status, severity,
                                                error == null ? Map.of("output", summary(output))
                                                        : Map.of("error", error))))))));
    }

    /** The run was already terminal (e.g. finished just before a lease loss): drop its job. */
    public Uni<Boolean> dropJob(ClaimedJob job, UUID workerId) {
        return fenced(job, workerId, tx -> queue.complete(tx, job, workerId).replaceWithVoid());
    }

    private Uni<Boolean> fenced(ClaimedJob job, UUID workerId,
            java.util.function.Function<SqlConnection, Uni<?>> writes) {
        return pool.withTransaction(tx -> queue.fence(tx, job, workerId)
                .flatMap(held -> held ? writes.apply(tx).replaceWith(true) : Uni.createFrom().item(false)))
                .invoke(held -> {
                    if (held) {
                        relay.wake(); // the events this transaction wrote go out now
                    }
                });
    }

    private Uni<Void> insertCheckpoint(SqlConnection tx, UUID runId, int step, JsonNode state, boolean delta,
            Map<String, Object> metadata) {
        return tx.preparedQuery("INSERT INTO workflow_checkpoints (id, run_id, step_index, state, metadata, is_delta) "
                + "VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, $6)")
                .execute(Tuple.of(UUID.randomUUID(), runId, step, state.toString(), JsonValues.fromPlain(metadata)
                        .toString(), delta))
                .replaceWithVoid();
    }

    private Uni<Void> sessionStatus(SqlConnection tx, UUID sessionId, String status) {
        return tx.preparedQuery("UPDATE sessions SET status = $2, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(sessionId, status)).replaceWithVoid();
    }

    /** A run event to record with the state change it reports. */
    private record Event(String type, String severity, Map<String, Object> payload) {
    }

    private Uni<Void> events(SqlConnection tx, RunRecord run, List<Event> events) {
        return tx.preparedQuery("INSERT INTO events (workspace_id, run_id, session_id, type, severity, source, "
                + "payload) VALUES ($1, $2, $3, $4, $5, 'worker', $6::text::jsonb)")
                .executeBatch(events.stream().map(e -> Tuple.of(run.workspaceId(), run.id(), run.sessionId(),
                        e.type(), e.severity(), JsonValues.fromPlain(e.payload()).toString())).toList())
                .replaceWithVoid();
    }

    private static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JsonValues.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is invalid", e);
        }
    }

}
