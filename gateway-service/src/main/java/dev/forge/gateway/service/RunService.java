package dev.forge.gateway.service;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.flow.BlueprintFactory;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.core.flow.RunOverridesJson;
import dev.forge.core.queue.JobWakeup;
import dev.forge.core.queue.QueueStore;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.repository.AssistantRepository;
import dev.forge.gateway.repository.RunRepository;
import dev.forge.gateway.repository.SessionRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Creating a run: validate everything first, then one transaction writes the run (and its session when new), its job
 * and a run.created event; workers are woken only after the commit.
 */
@ApplicationScoped
public class RunService {

    private static final Set<String> FIELDS = Set.of("assistant_id", "session_id", "input", "overrides");
    private static final Set<String> STATUSES = Set.of("pending", "running", "succeeded", "failed", "cancelled",
            "timed_out");

    private final Pool pool;
    private final RunRepository runs;
    private final SessionRepository sessions;
    private final AssistantRepository assistants;
    private final QueueStore queue;
    private final JobWakeup wakeup;
    private final FlowCatalog flows;
    private final GatewayConfig config;

    public RunService(Pool pool, RunRepository runs, SessionRepository sessions, AssistantRepository assistants,
            QueueStore queue, JobWakeup wakeup, FlowCatalog flows, GatewayConfig config) {
        this.pool = pool;
        this.runs = runs;
        this.sessions = sessions;
        this.assistants = assistants;
        this.queue = queue;
        this.wakeup = wakeup;
        this.flows = flows;
        this.config = config;
    }

    /** What a create request resolved to, before anything is written. */
    private record Plan(UUID assistantId, int assistantVersion, String flowName, String flowVersion,
            UUID sessionId, boolean newSession, JsonNode input, JsonNode overrides) {
    }

    public Uni<ObjectNode> create(String workspace, JsonNode body, String sessionIdFromPath) {
        var req = Requests.of(body, FIELDS);
        var assistantId = req.uuid("assistant_id", false);
        var sessionId = sessionIdFromPath != null ? java.util.Optional.of(Requests.pathId("session",
                sessionIdFromPath)) : req.uuid("session_id", false);
        if (sessionIdFromPath != null && body.has("session_id")) {
            req.error("'session_id' is given by the path; leave it out of the body");
        }
        var input = req.object("input");
        JsonNode overridesJson = body.has("overrides") && !body.get("overrides").isNull() ? body.get("overrides")
                : JsonNodeFactory.instance.objectNode();
        var overrides = RunOverridesJson.parse(overridesJson);
        overrides.problems().forEach(req::error);
        if (assistantId.isEmpty() && sessionId.isEmpty() && !body.has("assistant_id") && !body.has("session_id")) {
            req.error("'assistant_id' is required when no session is given");
        }
        req.check();

        Uni<Plan> plan = sessionId.isPresent()
                ? sessions.find(workspace, sessionId.get()).flatMap(found -> {
                    var session = found.orElseThrow(() -> ApiProblem.notFound("session", sessionId.get().toString()));
                    var owner = UUID.fromString(session.get("assistant_id").asText());
                    if (assistantId.isPresent() && !assistantId.get().equals(owner)) {
                        throw ApiProblem.invalid("session " + sessionId.get() + " belongs to assistant " + owner
                                + ", not " + assistantId.get());
                    }
                    return planFor(workspace, owner, sessionId.get(), false, input, overridesJson);
                })
                : planFor(workspace, assistantId.get(), UUID.randomUUID(), true, input, overridesJson);

        return plan.flatMap(p -> flows.resolve(p.flowName(), p.flowVersion()).map(flow -> {
            var problems = BlueprintFactory.check(flow, overrides.overrides());
            if (!problems.isEmpty()) {
                throw ApiProblem.invalid(problems.size() == 1 ? problems.get(0)
                        : problems.size() + " problems in the overrides", problems);
            }
            return p;
        })).flatMap(p -> insert(workspace, p));
    }

    private Uni<Plan> planFor(String workspace, UUID assistantId, UUID sessionId, boolean newSession, JsonNode input,
            JsonNode overrides) {
        return assistants.find(workspace, assistantId).map(found -> {
            var a = found.orElseThrow(() -> ApiProblem.notFound("assistant", assistantId.toString()));
            return new Plan(assistantId, a.get("version").asInt(), a.get("flow").get("name").asText(),
                    a.get("flow").get("version").asText(), sessionId, newSession, input, overrides);
        });
    }

    private Uni<ObjectNode> insert(String workspace, Plan p) {
        var runId = UUID.randomUUID();
        return pool.withTransaction(tx -> (p.newSession()
                ? sessions.insert(tx, p.sessionId(), workspace, p.assistantId(), JsonNodeFactory.instance.objectNode())
                        .replaceWithVoid()
                : Uni.createFrom().voidItem())
                .flatMap(x -> runs.insert(tx, runId, workspace, p.sessionId(), p.assistantId(), p.assistantVersion(),
                        p.flowName(), p.flowVersion(), p.input(), p.overrides()))
                .flatMap(x -> queue.enqueue(tx, runId, p.sessionId(), config.runMaxAttempts()))
                .flatMap(x -> runs.event(tx, workspace, runId, p.sessionId(), "run.created",
                        JsonNodeFactory.instance.objectNode().put("flow", p.flowName())
                                .put("flow_version", p.flowVersion()))))
                .invoke(wakeup::jobsCommitted)
                .flatMap(x -> get(workspace, runId.toString()));
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return runs.find(workspace, Requests.pathId("run", id))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("run", id)));
    }

    public Uni<List<ObjectNode>> list(String workspace, String sessionId, String status, int limit) {
        return runs.list(workspace, Requests.queryUuid("session_id", sessionId),
                Requests.queryOneOf("status", status, STATUSES), limit);
    }

    public Uni<List<ObjectNode>> checkpoints(String workspace, String id) {
        return get(workspace, id).flatMap(run -> runs.checkpoints(UUID.fromString(id)));
    }

    public Uni<List<ObjectNode>> messages(String workspace, String id) {
        return get(workspace, id).flatMap(run -> runs.messages(UUID.fromString(id)));
    }

    public Uni<List<ObjectNode>> graph(String workspace, String id) {
        return get(workspace, id).flatMap(run -> runs.edges(UUID.fromString(id)));
    }
}
