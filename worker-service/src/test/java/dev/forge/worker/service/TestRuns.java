package dev.forge.worker.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.checkpoint.Checkpoints;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.core.json.JsonValues;
import dev.forge.core.queue.QueueStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Creates runs the way the gateway does (run row + job row in one transaction) and reads results back. */
@ApplicationScoped
public class TestRuns {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Pool pool;
    private final FlowCatalog flows;
    private final QueueStore queue;

    public TestRuns(Pool pool, FlowCatalog flows, QueueStore queue) {
        this.pool = pool;
        this.flows = flows;
        this.queue = queue;
    }

    public void reset() {
        pool.query("TRUNCATE schedules, run_webhooks, run_artifacts, artifacts, idempotency_keys, assistant_versions, jobs, run_edges, messages, workflow_checkpoints, events, runs, sessions, "
                + "assistants, "
                + "workers").execute().await().atMost(WAIT);
    }

    /** A new session on a new assistant for the flow. */
    public UUID session(String flow) {
        var version = flows.current(flow).orElseThrow().version();
        UUID assistant = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO assistants (id, name, flow_name, flow_version) "
                + "VALUES ($1, $2, $3, $4)").execute(Tuple.of(assistant, "test-" + flow, flow, version))
                .flatMap(x -> tx.preparedQuery("INSERT INTO sessions (id, assistant_id) VALUES ($1, $2)")
                        .execute(Tuple.of(session, assistant))))
                .await().atMost(WAIT);
        return session;
    }

    public UUID run(UUID session, String input) {
        return run(session, input, "{}");
    }

    public UUID run(UUID session, String input, String overrides) {
        UUID run = UUID.randomUUID();
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO runs (id, session_id, assistant_id, "
                + "assistant_version, flow_name, flow_version, input, overrides) SELECT $1, s.id, a.id, a.version, "
                + "a.flow_name, a.flow_version, $3::text::jsonb, $4::text::jsonb FROM sessions s "
                + "JOIN assistants a ON a.id = s.assistant_id WHERE s.id = $2")
                .execute(Tuple.of(run, session, input, overrides))
                .flatMap(x -> tx.preparedQuery("SELECT workspace_id, assistant_id FROM sessions WHERE id = $1")
                        .execute(Tuple.of(session)))
                .flatMap(rows -> queue.enqueue(tx, run, session, rows.iterator().next().getString(0),
                        rows.iterator().next().getUUID(1), 3)))
                .await().atMost(WAIT);
        return run;
    }

    public String status(UUID run) {
        return one("SELECT status FROM runs WHERE id = $1", run).getString(0);
    }

    /** Waits (20 s at most) until the run has ended; its status then. */
    public String awaitTerminal(UUID run) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !status(run).equals("pending")
                && !status(run).equals("running") && !status(run).equals("interrupted"));
        return status(run);
    }

    public JsonNode json(String sql, Object... args) {
        var text = one(sql, args).getString(0);
        try {
            return text == null ? null : JsonValues.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public long count(String sql, Object... args) {
        return one(sql, args).getLong(0);
    }

    public Row one(String sql, Object... args) {
        var rows = pool.preparedQuery(sql).execute(Tuple.from(List.of(args))).await().atMost(WAIT);
        return rows.iterator().next();
    }

    public List<Row> all(String sql, Object... args) {
        var rows = pool.preparedQuery(sql).execute(Tuple.from(List.of(args))).await().atMost(WAIT);
        var out = new ArrayList<Row>();
        rows.forEach(out::add);
        return out;
    }

    /** The whole state of a checkpoint (keyframe plus deltas), as stored (offloaded values stay references). */
    public JsonNode state(UUID run, int step) {
        return Checkpoints.stateAt(pool, run, step).await().atMost(WAIT).orElseThrow();
    }

    /** The whole state of the run's latest checkpoint. */
    public JsonNode latestState(UUID run) {
        int step = one("SELECT max(step_index) FROM workflow_checkpoints WHERE run_id = $1", run).getInteger(0);
        return state(run, step);
    }

    /** Waits (20 s at most) until the run waits for a person; its pending question then. */
    public JsonNode awaitInterrupted(UUID run) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status(run).equals("interrupted"));
        return json("SELECT interrupt::text FROM runs WHERE id = $1", run);
    }

    /** Answers a waiting run as the gateway's resume does: the answer on the run, its parked job runnable now. */
    public void resume(UUID run, String command) {
        pool.withTransaction(tx -> tx.preparedQuery("UPDATE runs SET status = 'running', resume = $2::text::jsonb "
                + "WHERE id = $1 AND status = 'interrupted'").execute(Tuple.of(run, command))
                .invoke(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("run " + run + " is not interrupted");
                    }
                })
                .flatMap(x -> tx.preparedQuery("UPDATE jobs SET run_at = now() WHERE run_id = $1").execute(
                        Tuple.of(run))))
                .await().atMost(WAIT);
    }

    public Pool pool() {
        return pool;
    }
}
