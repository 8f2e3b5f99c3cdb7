package dev.forge.gateway.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.messaging.ControlMessages;
import dev.forge.core.messaging.OutboxRelay;
import dev.forge.gateway.repository.RunRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Changing a run after it was created: cancelling it (a running run's worker is told over the control exchange once
 * the cancel committed) and deleting a finished one with everything it wrote.
 */
@ApplicationScoped
public class RunControls {

    private final Pool pool;
    private final RunRepository runs;
    private final RunQueries queries;
    private final Deleter deleter;
    private final OutboxRelay relay;
    private final ControlMessages control;

    public RunControls(Pool pool, RunRepository runs, RunQueries queries, Deleter deleter, OutboxRelay relay,
            ControlMessages control) {
        this.pool = pool;
        this.runs = runs;
        this.queries = queries;
        this.deleter = deleter;
        this.relay = relay;
        this.control = control;
    }

    /** Cancels a run: pending → cancelled at once; running → stopped by its worker within a second; else 409. */
    public Uni<ObjectNode> cancel(String workspace, String id) {
        UUID runId = Requests.pathId("run", id);
        return pool.withTransaction(tx -> runs.cancel(tx, workspace, runId))
                .invoke(c -> {
                    relay.wake();
                    if (c.worker() != null) {
                        control.sendCancel(c.worker(), runId);
                    }
                })
                .map(RunRepository.Cancel::outcome)
                .flatMap(outcome -> switch (outcome) {
                    case NOT_FOUND -> Uni.createFrom().failure(ApiProblem.notFound("run", id));
                    case ALREADY_FINISHED -> queries.get(workspace, id).map(run -> {
                        throw new ApiProblem(409, "run-finished", "Run already finished", "run " + id + " is "
                                + run.get("status").asText() + "; only pending or running runs can be cancelled",
                                null);
                    });
                    case CANCELLED, REQUESTED -> queries.get(workspace, id);
                });
    }

    /** Deletes a finished run with its checkpoints, messages and graph; 409 while it is unfinished. */
    public Uni<Void> delete(String workspace, String id) {
        return queries.get(workspace, id).flatMap(run -> deleter.deleteRun(workspace, UUID.fromString(id)));
    }
}
