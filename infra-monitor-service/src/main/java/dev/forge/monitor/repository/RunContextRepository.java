package dev.forge.monitor.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import dev.forge.core.checkpoint.Checkpoints;
import dev.forge.telemetry.tracing.TraceContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** A run's own records, read from the tables the monitor shares with its gateway: run, checkpoints, events. */
@ApplicationScoped
public class RunContextRepository {

    private final Pool pool;

    public RunContextRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<ObjectNode>> run(UUID id) {
        return pool.preparedQuery("SELECT id, workspace_id, session_id, assistant_id, assistant_version, flow_name, "
                + "flow_version, status, input::text AS input, output::text AS output, error::text AS error, "
                + "parent_run_id, forked_from_step, attempt, step_index, current_step, created_at, started_at, "
                + "finished_at, trace_parent FROM runs WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> Rows.first(rows, RunContextRepository::runView));
    }

    /** Checkpoints with whole states (deltas folded onto their keyframes), in step order. */
    public Uni<List<ObjectNode>> checkpoints(UUID runId) {
        return pool.preparedQuery("SELECT step_index, state::text AS state, is_delta, metadata::text AS metadata, "
                + "created_at FROM workflow_checkpoints WHERE run_id = $1 ORDER BY step_index")
                .execute(Tuple.of(runId)).map(rows -> {
                    var stored = new ArrayList<Checkpoints.Stored>();
                    var views = new ArrayList<ObjectNode>();
                    for (Row r : rows) {
                        stored.add(Checkpoints.stored(r));
                        var n = JsonNodeFactory.instance.objectNode();
                        n.put("step_index", r.getInteger("step_index"));
                        n.set("metadata", Rows.json(r, "metadata"));
                        Rows.time(n, "created_at", r.getOffsetDateTime("created_at"));
                        views.add(n);
                    }
                    var states = Checkpoints.fold(stored);
                    for (int i = 0; i < views.size(); i++) {
                        views.get(i).set("state", states.get(i));
                    }
                    return views;
                });
    }

    /** The run's events as its gateway stored them (token deltas are not stored). */
    public Uni<List<ObjectNode>> events(UUID runId) {
        return pool.preparedQuery("SELECT id, type, severity, source, payload::text AS payload, created_at FROM events "
                + "WHERE run_id = $1 ORDER BY id").execute(Tuple.of(runId))
                .map(rows -> Rows.list(rows, r -> {
                    var n = JsonNodeFactory.instance.objectNode();
                    n.put("id", r.getLong("id"));
                    n.put("type", r.getString("type"));
                    n.put("severity", r.getString("severity"));
                    n.put("source", r.getString("source"));
                    n.set("payload", Rows.json(r, "payload"));
                    Rows.time(n, "created_at", r.getOffsetDateTime("created_at"));
                    return n;
                }));
    }

    private static ObjectNode runView(Row r) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("id", r.getUUID("id").toString());
        n.put("workspace_id", r.getString("workspace_id"));
        n.put("session_id", r.getUUID("session_id").toString());
        n.put("assistant_id", r.getUUID("assistant_id").toString());
        n.put("assistant_version", r.getInteger("assistant_version"));
        n.put("flow", r.getString("flow_name"));
        n.put("flow_version", r.getString("flow_version"));
        n.put("status", r.getString("status"));
        n.set("input", Rows.json(r, "input"));
        n.set("output", Rows.json(r, "output"));
        n.set("error", Rows.json(r, "error"));
        n.put("parent_run_id", r.getUUID("parent_run_id") == null ? null : r.getUUID("parent_run_id").toString());
        n.put("forked_from_step", r.getInteger("forked_from_step"));
        n.put("attempt", r.getInteger("attempt"));
        n.put("step_index", r.getInteger("step_index"));
        n.put("current_step", r.getString("current_step"));
        Rows.time(n, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(n, "started_at", r.getOffsetDateTime("started_at"));
        Rows.time(n, "finished_at", r.getOffsetDateTime("finished_at"));
        n.put("trace_id", TraceContext.traceId(r.getString("trace_parent")).orElse(null));
        return n;
    }
}
