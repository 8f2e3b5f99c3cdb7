package dev.forge.gateway.repository;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import dev.forge.core.checkpoint.Checkpoints;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Runs and what they leave behind: checkpoints, messages and the communication graph. */
@ApplicationScoped
public class RunRepository {

    // progress (step index, last executor, route so far) comes from the latest checkpoint (seed index: run_id,
    // updated_at DESC): steps write only their checkpoint, not the run row
    private static final String COLUMNS = "r.id, r.workspace_id, r.session_id, r.assistant_id, r.assistant_version, "
            + "r.flow_name, r.flow_version, r.status, r.input::text AS input, r.overrides::text AS overrides, "
            + "r.output::text AS output, r.error::text AS error, r.attempt, r.step_index, "
            + "r.created_at, r.started_at, r.finished_at, r.cancel_requested_at, r.multitask_strategy, "
            + "r.parent_run_id, r.forked_from_step, r.interrupt::text AS interrupt, r.schedule_id, "
            + "(SELECT jsonb_build_object('step', c.step_index, 'executor', c.metadata->'executor') "
            + " FROM workflow_checkpoints c WHERE c.run_id = r.id "
            + " ORDER BY c.updated_at DESC, c.step_index DESC LIMIT 1)::text AS progress, "
            // the route: the trace in the latest whole checkpoint, then the executor of each step after it
            + "(SELECT k.state->'trace' || COALESCE((SELECT jsonb_agg(c.metadata->'executor' ORDER BY c.step_index) "
            + "   FROM workflow_checkpoints c WHERE c.run_id = r.id AND c.step_index > k.step_index "
            + "   AND c.metadata ? 'executor'), '[]'::jsonb) "
            + " FROM workflow_checkpoints k WHERE k.run_id = r.id AND NOT k.is_delta "
            + " ORDER BY k.step_index DESC LIMIT 1)::text AS route, "
            + "(SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'content_type', a.content_type, "
            + " 'size_bytes', a.size_bytes, 'sha256', a.sha256) ORDER BY l.position) FROM run_artifacts l "
            + " JOIN artifacts a ON a.id = l.artifact_id WHERE l.run_id = r.id)::text AS artifacts";

    private final Pool pool;

    public RunRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Inserts a pending run (a schedule's when {@code scheduleId} is set); call inside the transaction that also
     * enqueues its job.
     */
    public Uni<Void> insert(SqlClient tx, UUID id, String workspace, UUID sessionId, UUID assistantId,
            int assistantVersion, String flowName, String flowVersion, JsonNode input, JsonNode overrides,
            String multitaskStrategy, String traceParent, UUID scheduleId) {
        return tx.preparedQuery("INSERT INTO runs (id, workspace_id, session_id, assistant_id, assistant_version, "
                + "flow_name, flow_version, input, overrides, multitask_strategy, trace_parent, schedule_id) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9::text::jsonb, $10, $11, $12)")
                .execute(Tuple.from(Arrays.asList(id, workspace, sessionId, assistantId, assistantVersion,
                        flowName, flowVersion, input.toString(), overrides.toString(), multitaskStrategy,
                        traceParent, scheduleId)))
                .replaceWithVoid();
    }

    /** A run to create in a new session of its own (nothing else to lock or check in the transaction). */
    public record NewRun(UUID id, UUID sessionId, String workspace, UUID assistantId, int assistantVersion,
            String flowName, String flowVersion, JsonNode input, JsonNode overrides, String multitaskStrategy,
            String traceParent, int maxAttempts) {
    }

    // one statement, so one round trip and one commit, for a whole batch of creates: sessions, runs, jobs (in the
    // batch's order, which is the queue's) and run.created events; the runs come back as views
    private static final String INSERT_NEW = """
            WITH c AS (
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::int[], $6::text[], $7::text[],
                                     $8::text[], $9::text[], $10::text[], $11::text[], $12::int[]) WITH ORDINALITY
                    AS c(id, session_id, workspace_id, assistant_id, assistant_version, flow_name, flow_version,
                         input, overrides, multitask_strategy, trace_parent, max_attempts, n)),
            s AS (INSERT INTO sessions (id, workspace_id, assistant_id, metadata)
                  SELECT c.session_id, c.workspace_id, c.assistant_id, '{}' FROM c),
            r AS (INSERT INTO runs (id, workspace_id, session_id, assistant_id, assistant_version, flow_name,
                                    flow_version, input, overrides, multitask_strategy, trace_parent)
                  SELECT c.id, c.workspace_id, c.session_id, c.assistant_id, c.assistant_version, c.flow_name,
                         c.flow_version, c.input::jsonb, c.overrides::jsonb, c.multitask_strategy, c.trace_parent
                  FROM c RETURNING *),
            j AS (INSERT INTO jobs (run_id, session_id, max_attempts, workspace_id, assistant_id)
                  SELECT c.id, c.session_id, c.max_attempts, c.workspace_id, c.assistant_id FROM c ORDER BY c.n),
            e AS (INSERT INTO events (workspace_id, run_id, session_id, type, source, payload)
                  SELECT c.workspace_id, c.id, c.session_id, 'run.created', 'gateway',
                         jsonb_build_object('flow', c.flow_name, 'flow_version', c.flow_version,
                                            'multitask_strategy', c.multitask_strategy)
                  FROM c ORDER BY c.n)
            SELECT\s""" + COLUMNS + " FROM r";

    /** Creates the runs, each in a new session, with their jobs and run.created events; their views, in order. */
    public Uni<List<ObjectNode>> insertNew(List<NewRun> batch) {
        return pool.preparedQuery(INSERT_NEW).execute(Tuple.tuple()
                .addValue(batch.stream().map(NewRun::id).toArray(UUID[]::new))
                .addValue(batch.stream().map(NewRun::sessionId).toArray(UUID[]::new))
                .addValue(batch.stream().map(NewRun::workspace).toArray(String[]::new))
                .addValue(batch.stream().map(NewRun::assistantId).toArray(UUID[]::new))
                .addValue(batch.stream().map(NewRun::assistantVersion).toArray(Integer[]::new))
                .addValue(batch.stream().map(NewRun::flowName).toArray(String[]::new))
                .addValue(batch.stream().map(NewRun::flowVersion).toArray(String[]::new))
                .addValue(batch.stream().map(r -> r.input().toString()).toArray(String[]::new))
                .addValue(batch.stream().map(r -> r.overrides().toString()).toArray(String[]::new))
                .addValue(batch.stream().map(NewRun::multitaskStrategy).toArray(String[]::new))
                .addValue(batch.stream().map(NewRun::traceParent).toArray(String[]::new))
                .addValue(batch.stream().map(NewRun::maxAttempts).toArray(Integer[]::new)))
                .map(rows -> {
                    var byId = new HashMap<UUID, ObjectNode>();
                    rows.forEach(row -> byId.put(row.getUUID("id"), view(row)));
                    return batch.stream().map(r -> byId.get(r.id())).toList();
                });
    }

    /**
     * Inserts a fork of a run: pending, pinned to the parent's flow version, starting from a copy of the parent's
     * state at {@code step} (whole, as checkpoints keep it; the worker continues from it).
     */
    public Uni<Void> insertFork(SqlClient tx, UUID id, String workspace, UUID sessionId, UUID parentId, int step,
            JsonNode overrides, JsonNode parentState, String traceParent) {
        return tx.preparedQuery("INSERT INTO runs (id, workspace_id, session_id, assistant_id, assistant_version, "
                + "flow_name, flow_version, input, overrides, parent_run_id, forked_from_step, step_index, "
                + "trace_parent) SELECT $1, $2, $3, p.assistant_id, p.assistant_version, p.flow_name, p.flow_version, "
                + "p.input, $4::text::jsonb, p.id, $5, $5, $7 FROM runs p WHERE p.id = $6")
                .execute(Tuple.from(Arrays.asList(id, workspace, sessionId, overrides.toString(), step,
                        parentId, traceParent)))
                // the fork starts from a whole copy of the parent's state (a keyframe), never from a delta
                .flatMap(x -> tx.preparedQuery("INSERT INTO workflow_checkpoints (id, run_id, step_index, state, "
                        + "metadata, is_delta) VALUES ($1, $2, $3, $4::text::jsonb, jsonb_build_object('kind', 'fork', "
                        + "'forked_from_run', $5::text, 'forked_from_step', $3::int), false)")
                        .execute(Tuple.of(UUID.randomUUID(), id, step, parentState.toString(), parentId.toString())))
                .replaceWithVoid();
    }

    /**
     * Deletes finished runs with everything that hangs off them (checkpoints, messages, edges, jobs, idempotency
     * keys); forks of them keep existing without the parent link. Events stay as the audit trail.
     */
    public Uni<Void> deleteRuns(SqlClient tx, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var array = ids.toArray(UUID[]::new);
        return tx.preparedQuery("UPDATE runs SET parent_run_id = NULL WHERE parent_run_id = ANY($1)")
                .execute(Tuple.of((Object) array))
                .flatMap(x -> tx.preparedQuery("DELETE FROM workflow_checkpoints WHERE run_id = ANY($1)")
                        .execute(Tuple.of((Object) array)))
                .flatMap(x -> tx.preparedQuery("DELETE FROM runs WHERE id = ANY($1)").execute(Tuple.of((Object) array)))
                .replaceWithVoid();
    }

    /** The checkpoint of a run at one step, its state whole (its keyframe with the deltas up to it applied). */
    public Uni<Optional<ObjectNode>> checkpoint(UUID runId, int step) {
        return pool.preparedQuery("SELECT id, step_index, state::text AS state, is_delta, metadata::text AS metadata, "
                + "created_at FROM workflow_checkpoints WHERE run_id = $1 AND step_index <= $2 AND step_index >= "
                + "COALESCE((SELECT max(step_index) FROM workflow_checkpoints WHERE run_id = $1 AND step_index <= $2 "
                + "AND NOT is_delta), 0) ORDER BY step_index")
                .execute(Tuple.of(runId, step))
                .map(rows -> {
                    var views = checkpointViews(rows);
                    return views.isEmpty() || views.get(views.size() - 1).get("step_index").asInt() != step
                            ? Optional.<ObjectNode>empty() : Optional.of(views.get(views.size() - 1));
                });
    }

    /** Checkpoint rows (in step order, from a keyframe) as API views with whole states. */
    private static List<ObjectNode> checkpointViews(RowSet<Row> rows) {
        var stored = new ArrayList<Checkpoints.Stored>();
        var views = new ArrayList<ObjectNode>();
        for (Row r : rows) {
            stored.add(Checkpoints.stored(r));
            views.add(checkpointView(r));
        }
        var states = Checkpoints.fold(stored);
        for (int i = 0; i < views.size(); i++) {
            views.get(i).set("state", states.get(i));
        }
        return views;
    }

    /** The step indexes a run has checkpoints for. */
    public Uni<List<Integer>> checkpointSteps(UUID runId) {
        return pool.preparedQuery("SELECT step_index FROM workflow_checkpoints WHERE run_id = $1 ORDER BY step_index")
                .execute(Tuple.of(runId)).map(rows -> Rows.list(rows, r -> r.getInteger(0)));
    }

    /** Executor statuses (pending, done, skipped) in the run's latest checkpoint. */
    public Uni<Optional<JsonNode>> latestStatuses(UUID runId) {
        return pool.preparedQuery("SELECT max(step_index) FROM workflow_checkpoints WHERE run_id = $1")
                .execute(Tuple.of(runId))
                .flatMap(rows -> {
                    Integer latest = rows.iterator().next().getInteger(0);
                    return latest == null ? Uni.createFrom().item(Optional.<JsonNode>empty())
                            : Checkpoints.stateAt(pool, runId, latest).map(state -> state.map(s -> s.get("status")));
                });
    }

    /** Locks a session row for the rest of the transaction (serialises run creation per session). */
    public Uni<Boolean> lockSession(SqlClient tx, String workspace, UUID sessionId) {
        return tx.preparedQuery("SELECT 1 FROM sessions WHERE id = $1 AND workspace_id = $2 FOR UPDATE")
                .execute(Tuple.of(sessionId, workspace)).map(rows -> rows.size() == 1);
    }

    /** Runs of the session that have not finished, oldest first. */
    public Uni<List<UUID>> unfinished(SqlClient tx, UUID sessionId) {
        return tx.preparedQuery("SELECT id FROM runs WHERE session_id = $1 "
                + "AND status IN ('pending', 'running', 'interrupted') "
                + "ORDER BY created_at, id").execute(Tuple.of(sessionId))
                .map(rows -> Rows.list(rows, r -> r.getUUID(0)));
    }

    /** What a cancel request did; for REQUESTED, the worker holding the run (null while nobody holds it). */
    public record Cancel(CancelOutcome outcome, UUID worker) {
    }

    public enum CancelOutcome { NOT_FOUND, ALREADY_FINISHED, CANCELLED, REQUESTED }

    /**
     * Cancels a run inside the caller's transaction: a run whose job nobody holds is cancelled here and never starts;
     * a run a worker holds gets a cancel request, and the worker is told through the control channel on commit.
     */
    public Uni<Cancel> cancel(SqlClient tx, String workspace, UUID runId) {
        return tx.preparedQuery("SELECT status, session_id FROM runs WHERE id = $1 AND workspace_id = $2 FOR UPDATE")
                .execute(Tuple.of(runId, workspace))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(new Cancel(CancelOutcome.NOT_FOUND, null));
                    }
                    var row = rows.iterator().next();
                    var status = row.getString("status");
                    if (!status.equals("pending") && !status.equals("running") && !status.equals("interrupted")) {
                        return Uni.createFrom().item(new Cancel(CancelOutcome.ALREADY_FINISHED, null));
                    }
                    UUID session = row.getUUID("session_id");
                    return tx.preparedQuery("DELETE FROM jobs WHERE run_id = $1 AND locked_by IS NULL")
                            .execute(Tuple.of(runId))
                            .flatMap(deleted -> deleted.rowCount() == 1
                                    ? tx.preparedQuery("UPDATE runs SET status = 'cancelled', finished_at = now(), "
                                            + "updated_at = now(), cancel_requested_at = now(), interrupt = NULL, "
                                            + "resume = NULL, error = "
                                            + "'{\"type\": \"cancelled\", \"message\": \"the run was cancelled before it "
                                            + "finished\"}'::jsonb WHERE id = $1").execute(Tuple.of(runId))
                                            .flatMap(x -> !status.equals("pending")
                                                    ? tx.preparedQuery("UPDATE sessions SET status = 'idle', "
                                                            + "updated_at = now() WHERE id = $1")
                                                            .execute(Tuple.of(session)).replaceWithVoid()
                                                    : Uni.createFrom().voidItem())
                                            .flatMap(x -> event(tx, workspace, runId, session, "run.cancelled",
                                                    JsonNodeFactory.instance.objectNode().put("by", "request")))
                                            .replaceWith(new Cancel(CancelOutcome.CANCELLED, null))
                                    : tx.preparedQuery("UPDATE runs SET cancel_requested_at = COALESCE("
                                            + "cancel_requested_at, now()), updated_at = now() WHERE id = $1")
                                            .execute(Tuple.of(runId))
                                            .flatMap(x -> event(tx, workspace, runId, session,
                                                    "run.cancel_requested", JsonNodeFactory.instance.objectNode()))
                                            .flatMap(x -> tx.preparedQuery("SELECT locked_by FROM jobs WHERE run_id = $1")
                                                    .execute(Tuple.of(runId)))
                                            .map(holder -> new Cancel(CancelOutcome.REQUESTED,
                                                    Rows.first(holder, r -> r.getUUID(0)).orElse(null))));
                });
    }

    /** A run that may be waiting for a person, locked for the rest of the transaction. */
    public record WaitingRun(String status, UUID sessionId, JsonNode interrupt, String flowName, String flowVersion,
            boolean expired) {
    }

    public Uni<Optional<WaitingRun>> lockWaiting(SqlClient tx, String workspace, UUID runId) {
        return tx.preparedQuery("SELECT status, session_id, interrupt::text AS interrupt, flow_name, flow_version, "
                + "COALESCE((interrupt->>'deadline')::timestamptz <= now(), false) AS expired FROM runs "
                + "WHERE id = $1 AND workspace_id = $2 FOR UPDATE")
                .execute(Tuple.of(runId, workspace))
                .map(rows -> Rows.first(rows, r -> new WaitingRun(r.getString("status"), r.getUUID("session_id"),
                        Rows.json(r, "interrupt"), r.getString("flow_name"), r.getString("flow_version"),
                        r.getBoolean("expired"))));
    }

    /**
     * Hands a person's answer to the waiting run: it is running again, the answer waits on the row for the worker
     * (which clears it with its next checkpoint), and the parked job is runnable now.
     */
    public Uni<Void> resume(SqlClient tx, UUID runId, JsonNode command) {
        // a state edit a LangGraph client made while the run waited (update_state) goes with the answer, unless the
        // answer carries its own
        return tx.preparedQuery("UPDATE runs SET status = 'running', resume = CASE WHEN pending_state IS NULL "
                + "OR $2::text::jsonb ? 'state' THEN $2::text::jsonb ELSE $2::text::jsonb || "
                + "jsonb_build_object('state', pending_state) END, pending_state = NULL, updated_at = now() "
                + "WHERE id = $1").execute(Tuple.of(runId, command.toString()))
                .flatMap(x -> tx.preparedQuery("UPDATE jobs SET run_at = now() WHERE run_id = $1 AND locked_by IS NULL")
                        .execute(Tuple.of(runId)))
                .replaceWithVoid();
    }

    /** Ends a waiting run cancelled with the person's reason; its parked job leaves the queue. */
    public Uni<Void> reject(SqlClient tx, UUID runId, UUID sessionId, JsonNode error) {
        return tx.preparedQuery("UPDATE runs SET status = 'cancelled', finished_at = now(), updated_at = now(), "
                + "interrupt = NULL, resume = NULL, error = $2::text::jsonb WHERE id = $1")
                .execute(Tuple.of(runId, error.toString()))
                .flatMap(x -> tx.preparedQuery("DELETE FROM jobs WHERE run_id = $1").execute(Tuple.of(runId)))
                .flatMap(x -> tx.preparedQuery("UPDATE sessions SET status = 'idle', updated_at = now() WHERE id = $1")
                        .execute(Tuple.of(sessionId)))
                .replaceWithVoid();
    }

    /** Records an idempotency key for a run created in this transaction; false when the key is already taken. */
    public Uni<Boolean> claimIdempotencyKey(SqlClient tx, String workspace, String key, String requestHash,
            UUID runId) {
        return tx.preparedQuery("INSERT INTO idempotency_keys (workspace_id, key, request_hash, run_id) "
                + "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(workspace, key, requestHash, runId)).map(rows -> rows.rowCount() == 1);
    }

    /** The request hash and run an idempotency key stands for. */
    public record IdempotentRequest(String requestHash, UUID runId) {
    }

    public Uni<Optional<IdempotentRequest>> findIdempotencyKey(String workspace, String key) {
        return pool.preparedQuery("SELECT request_hash, run_id FROM idempotency_keys WHERE workspace_id = $1 "
                + "AND key = $2").execute(Tuple.of(workspace, key))
                .map(rows -> Rows.first(rows, r -> new IdempotentRequest(r.getString(0), r.getUUID(1))));
    }

    public Uni<Void> event(SqlClient tx, String workspace, UUID runId, UUID sessionId, String type,
            JsonNode payload) {
        return tx.preparedQuery("INSERT INTO events (workspace_id, run_id, session_id, type, source, payload) "
                + "VALUES ($1, $2, $3, $4, 'gateway', $5::text::jsonb)")
                .execute(Tuple.of(workspace, runId, sessionId, type, payload.toString())).replaceWithVoid();
    }

    public Uni<Optional<ObjectNode>> find(String workspace, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM runs r WHERE r.id = $1 AND r.workspace_id = $2")
                .execute(Tuple.of(id, workspace))
                .map(rows -> Rows.first(rows, RunRepository::view));
    }

    /** Newest first; the page after the cursor (created_at, id of the last item of the previous page). */
    public Uni<List<ObjectNode>> list(String workspace, UUID sessionId, String status, OffsetDateTime
            beforeCreated, UUID beforeId, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM runs r WHERE r.workspace_id = $1 "
                + "AND ($2::uuid IS NULL OR r.session_id = $2) AND ($3::text IS NULL OR r.status = $3) "
                + "AND ($4::timestamptz IS NULL OR (r.created_at, r.id) < ($4, $5)) "
                + "ORDER BY r.created_at DESC, r.id DESC LIMIT $6")
                .execute(Tuple.from(Arrays.asList(workspace, sessionId, status, beforeCreated, beforeId, limit)))
                .map(rows -> Rows.list(rows, RunRepository::view));
    }

    /** Every checkpoint of the run in step order, each with its whole state. */
    public Uni<List<ObjectNode>> checkpoints(UUID runId) {
        return pool.preparedQuery("SELECT id, step_index, state::text AS state, is_delta, metadata::text AS metadata, "
                + "created_at FROM workflow_checkpoints WHERE run_id = $1 ORDER BY step_index")
                .execute(Tuple.of(runId))
                .map(RunRepository::checkpointViews);
    }

    public Uni<List<ObjectNode>> messages(UUID runId) {
        return pool.preparedQuery("SELECT seq, role, executor_id, content::text AS content, created_at FROM messages "
                + "WHERE run_id = $1 ORDER BY seq")
                .execute(Tuple.of(runId))
                .map(rows -> Rows.list(rows, RunRepository::messageView));
    }

    public Uni<List<ObjectNode>> edges(UUID runId) {
        return pool.preparedQuery("SELECT seq, step_index, from_executor, to_executor, message::text AS message, "
                + "created_at FROM run_edges WHERE run_id = $1 ORDER BY seq")
                .execute(Tuple.of(runId))
                .map(rows -> Rows.list(rows, RunRepository::edgeView));
    }

    static ObjectNode checkpointView(Row r) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", r.getUUID("id").toString());
        node.put("step_index", r.getInteger("step_index"));
        node.set("state", Rows.json(r, "state"));
        node.set("metadata", Rows.json(r, "metadata"));
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        return node;
    }

    static ObjectNode messageView(Row r) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("seq", r.getInteger("seq"));
        node.put("role", r.getString("role"));
        node.put("executor_id", r.getString("executor_id"));
        node.set("content", Rows.json(r, "content"));
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        return node;
    }

    static ObjectNode edgeView(Row r) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("order", r.getInteger("seq"));
        node.put("step_index", r.getInteger("step_index"));
        node.put("from", r.getString("from_executor"));
        node.put("to", r.getString("to_executor"));
        node.set("message", Rows.json(r, "message"));
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        return node;
    }

    static ObjectNode view(Row r) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", r.getUUID("id").toString());
        node.put("workspace_id", r.getString("workspace_id"));
        node.put("session_id", r.getUUID("session_id").toString());
        node.put("assistant_id", r.getUUID("assistant_id").toString());
        node.put("assistant_version", r.getInteger("assistant_version"));
        node.putObject("flow").put("name", r.getString("flow_name")).put("version", r.getString("flow_version"));
        node.put("status", r.getString("status"));
        node.set("input", Rows.json(r, "input"));
        node.set("overrides", Rows.json(r, "overrides"));
        node.set("output", Rows.json(r, "output"));
        node.set("error", Rows.json(r, "error"));
        node.put("attempt", r.getInteger("attempt"));
        var progress = Rows.json(r, "progress");
        boolean checkpointed = progress != null && progress.path("step").isInt();
        node.put("step_index", checkpointed ? progress.get("step").asInt() : r.getInteger("step_index"));
        node.put("current_step", checkpointed && progress.path("executor").isTextual()
                ? progress.get("executor").asText() : null);
        var route = Rows.json(r, "route");
        node.set("route", route == null || route.isNull() ? JsonNodeFactory.instance.arrayNode() : route);
        var artifacts = Rows.json(r, "artifacts");
        node.set("artifacts", artifacts == null ? JsonNodeFactory.instance.arrayNode() : artifacts);
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(node, "started_at", r.getOffsetDateTime("started_at"));
        Rows.time(node, "finished_at", r.getOffsetDateTime("finished_at"));
        Rows.time(node, "cancel_requested_at", r.getOffsetDateTime("cancel_requested_at"));
        node.put("multitask_strategy", r.getString("multitask_strategy"));
        var parent = r.getUUID("parent_run_id");
        node.put("parent_run_id", parent == null ? null : parent.toString());
        node.put("forked_from_step", r.getInteger("forked_from_step"));
        // what the run waits on while interrupted (executor, kind, question, answer schema, deadline), else null
        node.set("interrupt", Rows.json(r, "interrupt"));
        var schedule = r.getUUID("schedule_id");
        node.put("schedule_id", schedule == null ? null : schedule.toString());
        var started = r.getOffsetDateTime("started_at");
        var finished = r.getOffsetDateTime("finished_at");
        if (started != null && finished != null) {
            node.put("duration_ms", Duration.between(started, finished).toMillis());
        } else {
            node.putNull("duration_ms");
        }
        return node;
    }
}
