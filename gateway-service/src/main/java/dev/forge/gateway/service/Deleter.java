package dev.forge.gateway.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.api.service.ApiProblem;
import dev.forge.gateway.repository.RunRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Deletes assistants, sessions and runs with what depends on them, each in one transaction that re-checks under row
 * locks that nothing is still running (a run that started meanwhile makes the delete a 409, not a half-delete).
 */
@ApplicationScoped
public class Deleter {

    private final Pool pool;
    private final RunRepository runs;

    public Deleter(Pool pool, RunRepository runs) {
        this.pool = pool;
        this.runs = runs;
    }

    public Uni<Void> deleteAssistant(String workspace, UUID assistantId) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, status FROM runs WHERE assistant_id = $1 "
                + "AND workspace_id = $2 FOR UPDATE").execute(Tuple.of(assistantId, workspace))
                .flatMap(rows -> runs.deleteRuns(tx, finishedOrRefuse(rows, "assistant " + assistantId)))
                .flatMap(x -> tx.preparedQuery("DELETE FROM sessions WHERE assistant_id = $1 AND workspace_id = $2")
                        .execute(Tuple.of(assistantId, workspace)))
                .flatMap(x -> tx.preparedQuery("DELETE FROM assistants WHERE id = $1 AND workspace_id = $2")
                        .execute(Tuple.of(assistantId, workspace)))
                .replaceWithVoid());
    }

    public Uni<Void> deleteSession(String workspace, UUID sessionId) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, status FROM runs WHERE session_id = $1 "
                + "AND workspace_id = $2 FOR UPDATE").execute(Tuple.of(sessionId, workspace))
                .flatMap(rows -> runs.deleteRuns(tx, finishedOrRefuse(rows, "session " + sessionId)))
                .flatMap(x -> tx.preparedQuery("DELETE FROM sessions WHERE id = $1 AND workspace_id = $2")
                        .execute(Tuple.of(sessionId, workspace)))
                .replaceWithVoid());
    }

    public Uni<Void> deleteRun(String workspace, UUID runId) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, status FROM runs WHERE id = $1 "
                + "AND workspace_id = $2 FOR UPDATE").execute(Tuple.of(runId, workspace))
                .flatMap(rows -> runs.deleteRuns(tx, finishedOrRefuse(rows, "run " + runId))));
    }

    private static List<UUID> finishedOrRefuse(RowSet<Row> rows, String what) {
        var ids = new ArrayList<UUID>();
        long unfinished = 0;
        for (Row r : rows) {
            ids.add(r.getUUID("id"));
            var status = r.getString("status");
            if (status.equals("pending") || status.equals("running") || status.equals("interrupted")) {
                unfinished++;
            }
        }
        if (unfinished > 0) {
            throw new ApiProblem(409, "has-unfinished-runs", "Unfinished runs", what + " has " + unfinished
                    + " unfinished run(s); cancel them first", null);
        }
        return ids;
    }
}
