package dev.forge.gateway.service;

import java.util.ArrayList;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Caller;
import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.core.json.JsonValues;
import dev.forge.core.messaging.OutboxRelay;
import dev.forge.core.queue.JobWakeup;
import dev.forge.core.tool.JsonSchemas;
import dev.forge.gateway.repository.RunRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Answering a run that waits for a person (REST and gRPC share this): resume it with a value (checked against the
 * question's JSON Schema), a state edit and/or a goto, or reject it (it ends cancelled). The answer is checked and
 * written in one transaction under the run's row lock, so two answers never both apply; the worker that picks the
 * run up applies it with its next checkpoint. A resume may carry an Idempotency-Key: a retry answers the run again
 * instead of 409.
 */
@ApplicationScoped
public class WaitingRuns {

    private static final Set<String> RESUME_FIELDS = Set.of("value", "state", "goto");
    private static final Set<String> STATE_FIELDS = Set.of("input", "outputs");
    private static final Set<String> REJECT_FIELDS = Set.of("reason");
    private static final int MAX_REASON = 2000;

    private final Pool pool;
    private final RunRepository runs;
    private final RunQueries queries;
    private final FlowCatalog flows;
    private final JobWakeup wakeup;
    private final OutboxRelay relay;

    public WaitingRuns(Pool pool, RunRepository runs, RunQueries queries, FlowCatalog flows, JobWakeup wakeup,
            OutboxRelay relay) {
        this.pool = pool;
        this.runs = runs;
        this.queries = queries;
        this.flows = flows;
        this.wakeup = wakeup;
        this.relay = relay;
    }

    /** What a resume or reject produced: the run, and whether it is an idempotent repeat of an earlier answer. */
    public record Answered(ObjectNode run, boolean replayed) {
    }

    /** Resumes a waiting run; 409 when it is not waiting (or its question timed out), 422 for a wrong answer. */
    public Uni<Answered> resume(Caller caller, String id, JsonNode body, String idempotencyKey) {
        UUID runId = Requests.pathId("run", id);
        IdempotencyKeys.check(idempotencyKey);
        var req = Requests.of(body, RESUME_FIELDS);
        var edit = body.has("state") ? req.nested("state", STATE_FIELDS) : null;
        if (edit != null) {
            edit.object("input");
            edit.object("outputs");
        }
        var target = req.text("goto", false, 200);
        req.check();
        String requestHash = JsonValues.canonicalHash(JsonNodeFactory.instance.objectNode()
                .put("resume", runId.toString()).set("body", body));
        String workspace = caller.workspace();
        return pool.withTransaction(tx -> runs.lockWaiting(tx, workspace, runId).flatMap(found -> {
            var run = found.orElseThrow(() -> ApiProblem.notFound("run", id));
            if (idempotencyKey != null && !run.status().equals("interrupted")) {
                // a retry of an answer that already applied: answered from the key below
                throw new IdempotencyKeys.Taken();
            }
            requireWaiting(id, run);
            return flows.resolve(run.flowName(), run.flowVersion()).flatMap(flow -> {
                check(run.interrupt(), flow, body, target.orElse(null));
                var command = body.deepCopy();
                if (command.isObject()) {
                    ((ObjectNode) command).put("by", caller.keyPrefix());
                }
                var event = JsonNodeFactory.instance.objectNode().put("executor", run.interrupt().path("executor")
                        .asText()).put("kind", run.interrupt().path("kind").asText()).put("by", caller.keyPrefix());
                event.set("value", body.get("value"));
                target.ifPresent(t -> event.put("goto", t));
                event.put("state_edited", body.has("state"));
                return runs.resume(tx, runId, command)
                        .flatMap(x -> runs.event(tx, workspace, runId, run.sessionId(), "run.resumed", event))
                        .flatMap(x -> idempotencyKey == null ? Uni.createFrom().voidItem()
                                : runs.claimIdempotencyKey(tx, workspace, idempotencyKey, requestHash, runId)
                                        .invoke(claimed -> {
                                            if (!claimed) {
                                                throw new IdempotencyKeys.Taken();
                                            }
                                        }).replaceWithVoid());
            });
        })).invoke(() -> {
            wakeup.jobsCommitted();
            relay.wake();
        }).flatMap(x -> queries.get(workspace, id)).map(run -> new Answered(run, false))
                .onFailure(IdempotencyKeys.Taken.class).recoverWithUni(() -> replay(workspace, id, idempotencyKey, requestHash));
    }

    /** Rejects a waiting run: it ends cancelled with the reason; 409 when it is not waiting. */
    public Uni<ObjectNode> reject(Caller caller, String id, JsonNode body) {
        UUID runId = Requests.pathId("run", id);
        var req = Requests.of(body == null || body.isNull() ? JsonNodeFactory.instance.objectNode() : body,
                REJECT_FIELDS);
        var reason = req.text("reason", false, MAX_REASON);
        req.check();
        String workspace = caller.workspace();
        return pool.withTransaction(tx -> runs.lockWaiting(tx, workspace, runId).flatMap(found -> {
            var run = found.orElseThrow(() -> ApiProblem.notFound("run", id));
            requireWaiting(id, run);
            String executor = run.interrupt().path("executor").asText();
            var error = JsonNodeFactory.instance.objectNode().put("type", "rejected")
                    .put("message", reason.orElse("rejected at '" + executor + "'")).put("executor", executor)
                    .put("by", caller.keyPrefix());
            var event = JsonNodeFactory.instance.objectNode().put("by", "reject").put("executor", executor)
                    .put("reason", reason.orElse(null));
            return runs.reject(tx, runId, run.sessionId(), error)
                    .flatMap(x -> runs.event(tx, workspace, runId, run.sessionId(), "run.cancelled", event));
        })).invoke(relay::wake).flatMap(x -> queries.get(workspace, id));
    }

    private static void requireWaiting(String id, RunRepository.WaitingRun run) {
        if (!run.status().equals("interrupted") || run.interrupt() == null) {
            throw new ApiProblem(409, "run-not-interrupted", "Run is not waiting for input", "run " + id + " is "
                    + run.status() + "; only an interrupted run can be resumed or rejected", null);
        }
        if (run.expired()) {
            throw new ApiProblem(409, "interrupt-expired", "The question timed out", "run " + id
                    + " stopped waiting for an answer at " + run.interrupt().path("deadline").asText()
                    + "; its executor's on_timeout applies", null);
        }
    }

    /**
     * The answer against the question: a human executor's value must meet its schema (and is required unless the
     * person sends the run elsewhere); a state edit names executors of the flow; a goto names one.
     */
    static void check(JsonNode interrupt, FlowBlueprint flow, JsonNode body, String target) {
        var errors = new ArrayList<String>();
        var executors = flow.executorsById();
        boolean human = interrupt.path("kind").asText().equals("human");
        JsonNode value = body.get("value");
        if (human && target == null && value == null) {
            errors.add("'value' is required: the answer to '" + interrupt.path("executor").asText() + "'");
        } else if (human && value != null) {
            errors.addAll(JsonSchemas.problems(interrupt.get("schema"), value, "value"));
        }
        if (target != null && !executors.containsKey(target)) {
            errors.add("'goto' names unknown executor '" + target + "' (flow " + flow.name() + " has "
                    + executors.keySet() + ")");
        }
        var outputs = body.path("state").path("outputs");
        outputs.fieldNames().forEachRemaining(name -> {
            if (!executors.containsKey(name)) {
                errors.add("'state.outputs' names unknown executor '" + name + "'");
            }
        });
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.size() == 1 ? errors.get(0) : errors.size() + " problems in the answer",
                    errors);
        }
    }

    private Uni<Answered> replay(String workspace, String id, String key, String requestHash) {
        return runs.findIdempotencyKey(workspace, key).flatMap(found -> {
            if (found.isEmpty()) {
                // the run was answered before, but not under this key
                return queries.get(workspace, id).map(run -> {
                    throw new ApiProblem(409, "run-not-interrupted", "Run is not waiting for input", "run " + id
                            + " is " + run.get("status").asText() + "; only an interrupted run can be resumed", null);
                });
            }
            var original = found.get();
            if (!original.requestHash().equals(requestHash)) {
                throw IdempotencyKeys.reused(key, "an answer to run " + original.runId());
            }
            return queries.get(workspace, id).map(run -> new Answered(run, true));
        });
    }
}
