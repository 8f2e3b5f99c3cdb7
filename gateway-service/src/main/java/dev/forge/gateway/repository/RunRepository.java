package dev.forge.gateway.repository;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Runs and what they leave behind: checkpoints, messages and the communication graph. */
@ApplicationScoped
public class RunRepository {

    // the route so far is the trace in the latest checkpoint (seed index: run_id, updated_at DESC)
    private static final String COLUMNS = "r.id, r.workspace_id, r.session_id, r.assistant_id, r.assistant_version, "
            + "r.flow_name, r.flow_version, r.status, r.input::text AS input, r.overrides::text AS overrides, "
            + "r.output::text AS output, r.error::text AS error, r.attempt, r.step_index, r.current_step, "
            + "r.created_at, r.started_at, r.finished_at, "
            + "(SELECT c.state->'trace' FROM workflow_checkpoints c WHERE c.run_id = r.id "
            + " ORDER BY c.updated_at DESC, c.step_index DESC LIMIT 1)::text AS route";

    private final Pool pool;

    public RunRepository(Pool pool) {
        this.pool = pool;
    }

    /** Inserts a pending run; call inside the transaction that also enqueues its job. */
    public Uni<Void> insert(SqlClient tx, UUID id, String workspace, UUID sessionId, UUID assistantId,
            int assistantVersion, String flowName, String flowVersion, JsonNode input, JsonNode overrides) {
        return tx.preparedQuery("INSERT INTO runs (id, workspace_id, session_id, assistant_id, assistant_version, "
                + "flow_name, flow_version, input, overrides) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9::text::jsonb)")
                .execute(Tuple.from(List.of(id, workspace, sessionId, assistantId, assistantVersion, flowName,
                        flowVersion, input.toString(), overrides.toString())))
                .replaceWithVoid();
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

    /** Newest first. */
    public Uni<List<ObjectNode>> list(String workspace, UUID sessionId, String status, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM runs r WHERE r.workspace_id = $1 "
                + "AND ($2::uuid IS NULL OR r.session_id = $2) AND ($3::text IS NULL OR r.status = $3) "
                + "ORDER BY r.created_at DESC, r.id DESC LIMIT $4")
                .execute(Tuple.from(Arrays.asList(workspace, sessionId, status, limit)))
                .map(rows -> Rows.list(rows, RunRepository::view));
    }

    public Uni<List<ObjectNode>> checkpoints(UUID runId) {
        return pool.preparedQuery("SELECT id, step_index, state::text AS state, metadata::text AS metadata, "
                + "created_at FROM workflow_checkpoints WHERE run_id = $1 ORDER BY step_index")
                .execute(Tuple.of(runId))
                .map(rows -> Rows.list(rows, RunRepository::checkpointView));
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
        node.put("step_index", r.getInteger("step_index"));
        node.put("current_step", r.getString("current_step"));
        var route = Rows.json(r, "route");
        node.set("route", route == null ? JsonNodeFactory.instance.arrayNode() : route);
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(node, "started_at", r.getOffsetDateTime("started_at"));
        Rows.time(node, "finished_at", r.getOffsetDateTime("finished_at"));
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
