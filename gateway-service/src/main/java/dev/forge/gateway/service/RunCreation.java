package dev.forge.gateway.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.artifact.ArtifactText;
import dev.forge.core.config.ArtifactsConfig;
import dev.forge.core.config.LlmRoutingConfig;
import dev.forge.core.flow.BlueprintFactory;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.core.flow.ModelRoutes;
import dev.forge.core.flow.RunOverrides;
import dev.forge.core.flow.RunOverridesJson;
import dev.forge.core.json.JsonValues;
import dev.forge.core.messaging.ControlMessages;
import dev.forge.core.messaging.OutboxRelay;
import dev.forge.core.queue.JobWakeup;
import dev.forge.core.queue.QueueStore;
import dev.forge.discovery.service.FeatureFlags;
import dev.forge.gateway.client.SkillCommands;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.repository.ArtifactRepository;
import dev.forge.gateway.repository.AssistantRepository;
import dev.forge.gateway.repository.RunRepository;
import dev.forge.gateway.repository.SessionRepository;
import dev.forge.gateway.repository.WebhookDeliveryRepository;
import dev.forge.telemetry.tracing.TraceContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Creating a run, and forking or replaying one from a checkpoint: validate everything first, then one transaction
 * writes the run (and its session when new), its job and a run.created event; workers are woken only after the
 * commit. A create in a new session without artifacts or idempotency key is group-committed with concurrent ones
 * ({@link NewRunCommits}). Reading runs is {@link RunQueries}, cancelling and deleting them {@link RunControls}.
 */
@ApplicationScoped
public class RunCreation {

    private static final Set<String> FIELDS = Set.of("assistant_id", "session_id", "input", "overrides",
            "multitask_strategy", "artifacts", "interrupt_before", "interrupt_after", "webhook");
    /** Create fields kept in the run's overrides (so forks inherit them), as LangGraph clients send them. */
    private static final List<String> INTERRUPT_LISTS = List.of("interrupt_before", "interrupt_after");
    private static final int MAX_ARTIFACTS = 50;
    private static final Set<String> MULTITASK = Set.of("enqueue", "reject", "interrupt");

    private final Pool pool;
    private final RunRepository runs;
    private final SessionRepository sessions;
    private final AssistantRepository assistants;
    private final QueueStore queue;
    private final JobWakeup wakeup;
    private final FlowCatalog flows;
    private final FlowService flowService;
    private final GatewayConfig config;
    private final OutboxRelay relay;
    private final ControlMessages control;
    private final ArtifactRepository artifacts;
    private final SkillCommands skills;
    private final ModelRoutes models;
    private final FeatureFlags flags;
    private final RunQueries queries;
    private final NewRunCommits newRuns;
    private final WebhookTargets webhookTargets;
    private final RunLimits limits;
    private final WebhookDeliveryRepository webhookDeliveries;

    private final long promptBudget;

    public RunCreation(Pool pool, RunRepository runs, SessionRepository sessions, AssistantRepository assistants,
            QueueStore queue, JobWakeup wakeup, FlowCatalog flows, GatewayConfig config,
            OutboxRelay relay, ControlMessages control, ArtifactRepository artifacts, RunQueries queries,
            SkillCommands skills, FeatureFlags flags, LlmRoutingConfig routing, ArtifactsConfig artifactsConfig,
            NewRunCommits newRuns, FlowService flowService, WebhookTargets webhookTargets,
            WebhookDeliveryRepository webhookDeliveries, RunLimits limits) {
        this.newRuns = newRuns;
        this.limits = limits;
        this.webhookTargets = webhookTargets;
        this.webhookDeliveries = webhookDeliveries;
        this.flowService = flowService;
        this.promptBudget = artifactsConfig.promptBudgetBytes();
        this.models = ModelRoutes.of(routing);
        this.skills = skills;
        this.flags = flags;
        this.artifacts = artifacts;
        this.queries = queries;
        this.relay = relay;
        this.control = control;
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
            UUID sessionId, boolean newSession, boolean bindSession, JsonNode input, JsonNode overrides,
            String multitask, List<UUID> artifacts, String webhook) {
    }

    /** The run a create request produced, or the original one an idempotent retry stands for. */
    public record Created(ObjectNode run, boolean replayed) {
    }

    /** Feature flag (Consul KV forge/flags/runs-paused): while true, new runs are refused with 503. */
    public static final String RUNS_PAUSED_FLAG = "runs-paused";

    /** Overrides naming unknown executors, and models (overridden or not) that no provider serves. */
    private List<String> overrideProblems(FlowBlueprint flow,
            RunOverrides overrides) {
        var problems = BlueprintFactory.check(flow, overrides);
        return problems.isEmpty() ? models.unroutable(BlueprintFactory.apply(flow, overrides)) : problems;
    }

    public Uni<ObjectNode> create(String workspace, JsonNode body, String sessionIdFromPath) {
        return create(workspace, body, sessionIdFromPath, null).map(Created::run);
    }

    /**
     * Creates a run. With an idempotency key, a repeat of the same request answers the original run, and another
     * request under the same key is refused with 409.
     */
    public Uni<Created> create(String workspace, JsonNode body, String sessionIdFromPath, String idempotencyKey) {
        return create(workspace, body, sessionIdFromPath, idempotencyKey, null);
    }

    /** A schedule's run for one tick: the key names the tick, so each tick makes one run whoever fires it. */
    public Uni<Created> createScheduled(String workspace, JsonNode body, String sessionId, String tickKey,
            UUID scheduleId) {
        return create(workspace, body, sessionId, tickKey, scheduleId);
    }

    private Uni<Created> create(String workspace, JsonNode body, String sessionIdFromPath, String idempotencyKey,
            UUID scheduleId) {
        if (flags.enabled(RUNS_PAUSED_FLAG, false)) {
            throw new ApiProblem(503, "runs-paused", "Run creation paused", "new runs are not accepted while the "
                    + RUNS_PAUSED_FLAG + " feature flag is set; existing runs go on", null);
        }
        IdempotencyKeys.check(idempotencyKey);
        var req = Requests.of(body, FIELDS);
        var assistantId = req.uuid("assistant_id", false);
        var sessionId = sessionIdFromPath != null ? Optional.of(Requests.pathId("session",
                sessionIdFromPath)) : req.uuid("session_id", false);
        if (sessionIdFromPath != null && body.has("session_id")) {
            req.error("'session_id' is given by the path; leave it out of the body");
        }
        var input = req.object("input");
        JsonNode overridesJson = withInterruptLists(body, body.has("overrides") && !body.get("overrides").isNull()
                ? body.get("overrides") : JsonNodeFactory.instance.objectNode(), req);
        var overrides = RunOverridesJson.parse(overridesJson);
        overrides.problems().forEach(req::error);
        var multitask = req.text("multitask_strategy", false, 20).orElse("enqueue");
        if (!MULTITASK.contains(multitask)) {
            req.error("'multitask_strategy' must be one of " + MULTITASK.stream().sorted().toList());
        }
        if (assistantId.isEmpty() && sessionId.isEmpty() && !body.has("assistant_id") && !body.has("session_id")) {
            req.error("'assistant_id' is required when no session is given");
        }
        var artifactIds = artifactIds(body.get("artifacts"), req);
        var webhook = req.text("webhook", false, WebhookTargets.MAX_URL);
        webhook.ifPresent(url -> WebhookTargets.formProblems("webhook", url).forEach(req::error));
        req.check();

        Uni<Void> webhookChecked = webhook.isEmpty() ? Uni.createFrom().voidItem()
                : webhookTargets.check("webhook", webhook.get()).replaceWithVoid();
        Uni<Plan> plan = webhookChecked.flatMap(x -> skills.check(input)).flatMap(checked -> sessionId.isPresent()
                ? sessions.find(workspace, sessionId.get()).flatMap(found -> {
                    var session = found.orElseThrow(() -> ApiProblem.notFound("session", sessionId.get().toString()));
                    var owner = SessionOwners.owner(session, assistantId);
                    return planFor(workspace, owner, sessionId.get(), false, SessionOwners.unbound(session), input,
                            overridesJson, multitask, artifactIds, webhook.orElse(null));
                })
                : planFor(workspace, assistantId.get(), UUID.randomUUID(), true, false, input, overridesJson, multitask,
                        artifactIds, webhook.orElse(null)));

        return plan.flatMap(p -> flows.resolve(p.flowName(), p.flowVersion()).map(flow -> {
            var problems = overrideProblems(flow, overrides.overrides());
            if (!problems.isEmpty()) {
                throw ApiProblem.invalid(problems.size() == 1 ? problems.get(0)
                        : problems.size() + " problems in the overrides", problems);
            }
            return p;
        })).call(p -> admit(workspace, p.assistantId(), idempotencyKey)).flatMap(p -> {
            // the request as the key remembers it: the body plus the session the path named
            var identity = body.deepCopy();
            if (sessionIdFromPath != null) {
                ((ObjectNode) identity).put("session_id", sessionIdFromPath);
            }
            String requestHash = JsonValues.canonicalHash(identity);
            return insert(workspace, p, idempotencyKey, requestHash, scheduleId)
                    .map(run -> new Created(run, false))
                    .onFailure(IdempotencyKeys.Taken.class).recoverWithUni(() -> replay(workspace, idempotencyKey, requestHash));
        });
    }

    /**
     * Counts the run against its rate limits. A retry under an idempotency key that already made its run is not a
     * new run: it is answered (by the replay) without counting, even when the limit is reached meanwhile.
     */
    private Uni<Void> admit(String workspace, UUID assistantId, String idempotencyKey) {
        if (idempotencyKey == null || !limits.rateLimited(workspace, assistantId)) {
            return limits.admit(workspace, assistantId);
        }
        return runs.findIdempotencyKey(workspace, idempotencyKey).flatMap(found -> found.isPresent()
                ? Uni.createFrom().voidItem() : limits.admit(workspace, assistantId));
    }

    /** The run's overrides with the request's interrupt lists in them; a list given in both places is refused. */
    private static JsonNode withInterruptLists(JsonNode body, JsonNode overrides, Requests req) {
        if (INTERRUPT_LISTS.stream().noneMatch(body::hasNonNull) || !overrides.isObject()) {
            return overrides;
        }
        var merged = ((ObjectNode) overrides).deepCopy();
        for (String list : INTERRUPT_LISTS) {
            if (body.hasNonNull(list)) {
                if (merged.has(list)) {
                    req.error("'" + list + "' is given twice (in the request and in its overrides)");
                }
                merged.set(list, body.get(list));
            }
        }
        return merged;
    }

    private Uni<Created> replay(String workspace, String key, String requestHash) {
        return runs.findIdempotencyKey(workspace, key).flatMap(found -> {
            var original = found.orElseThrow(() -> new IllegalStateException("idempotency key vanished: " + key));
            if (!original.requestHash().equals(requestHash)) {
                throw IdempotencyKeys.reused(key, "run " + original.runId());
            }
            return queries.get(workspace, original.runId().toString()).map(run -> new Created(run, true));
        });
    }

    /** The artifacts a run's input references: ids of artifacts in the caller's workspace, at most 50, distinct. */
    private static List<UUID> artifactIds(JsonNode node, Requests req) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_ARTIFACTS) {
            req.error("'artifacts' must be a list of at most " + MAX_ARTIFACTS + " artifact ids");
            return List.of();
        }
        var ids = new ArrayList<UUID>();
        for (JsonNode item : node) {
            try {
                UUID id = UUID.fromString(item.asText());
                if (!item.isTextual() || ids.contains(id)) {
                    throw new IllegalArgumentException();
                }
                ids.add(id);
            } catch (IllegalArgumentException e) {
                req.error("'artifacts' must hold distinct artifact ids (UUIDs); '" + item.asText() + "' is not one");
            }
        }
        return ids;
    }

    private Uni<Plan> planFor(String workspace, UUID assistantId, UUID sessionId, boolean newSession,
            boolean bindSession, JsonNode input, JsonNode overrides, String multitask, List<UUID> artifactIds,
            String webhook) {
        return assistants.find(workspace, assistantId).flatMap(found -> {
            var a = found.orElseThrow(() -> ApiProblem.notFound("assistant", assistantId.toString()));
            var flow = a.get("flow");
            String name = flow.get("name").asText();
            // an assistant that follows its flow's latest version: the run pins the version current now (one read
            // for a workspace flow; none for a system flow or a pinned assistant)
            Uni<String> version = flow.path("follows_latest").asBoolean(false)
                    ? flowService.resolveCurrent(workspace, name)
                            .map(current -> current.map(FlowBlueprint::version).orElse(flow.get("version").asText()))
                    : Uni.createFrom().item(flow.get("version").asText());
            return version.map(v -> new Plan(assistantId, a.get("version").asInt(), name, v, sessionId, newSession,
                    bindSession, input, overrides, multitask, artifactIds, webhook));
        });
    }

    private Uni<ObjectNode> insert(String workspace, Plan p, String idempotencyKey, String requestHash,
            UUID scheduleId) {
        var runId = UUID.randomUUID();
        // the request's trace (REST or gRPC, continued from the caller's traceparent): the run carries it on
        var traceParent = TraceContext.currentTraceparent().orElse(null);
        if (p.newSession() && p.artifacts().isEmpty() && idempotencyKey == null && p.webhook() == null) {
            // nothing to lock or check inside the transaction: group-committed with concurrent creates
            return newRuns.submit(new RunRepository.NewRun(runId, p.sessionId(), workspace, p.assistantId(),
                    p.assistantVersion(), p.flowName(), p.flowVersion(), p.input(), p.overrides(), p.multitask(),
                    traceParent, config.runMaxAttempts()));
        }
        // filled inside the (sequential) transaction, used only after it committed
        var interrupted = new ArrayList<Interrupted>();
        return pool.withTransaction(tx -> referencedArtifacts(tx, workspace, p.artifacts())
                .flatMap(x -> p.newSession()
                        ? sessions.insert(tx, p.sessionId(), workspace, p.assistantId(),
                                JsonNodeFactory.instance.objectNode()).replaceWithVoid()
                        : busySession(tx, workspace, p, interrupted).flatMap(locked -> p.bindSession()
                                ? bind(tx, p) : Uni.createFrom().voidItem()))
                .flatMap(x -> runs.insert(tx, runId, workspace, p.sessionId(), p.assistantId(), p.assistantVersion(),
                        p.flowName(), p.flowVersion(), p.input(), p.overrides(), p.multitask(), traceParent,
                        scheduleId))
                .flatMap(x -> artifacts.link(tx, runId, p.artifacts()))
                .flatMap(x -> p.webhook() == null ? Uni.createFrom().voidItem()
                        : webhookDeliveries.insertRunWebhook(tx, runId, p.webhook()))
                .flatMap(x -> queue.enqueue(tx, runId, p.sessionId(), workspace, p.assistantId(),
                        config.runMaxAttempts()))
                .flatMap(x -> runs.event(tx, workspace, runId, p.sessionId(), "run.created",
                        JsonNodeFactory.instance.objectNode().put("flow", p.flowName())
                                .put("flow_version", p.flowVersion()).put("multitask_strategy", p.multitask())))
                .flatMap(x -> idempotencyKey == null ? Uni.createFrom().voidItem()
                        : runs.claimIdempotencyKey(tx, workspace, idempotencyKey, requestHash, runId)
                                .invoke(claimed -> {
                                    if (!claimed) {
                                        throw new IdempotencyKeys.Taken();
                                    }
                                }).replaceWithVoid()))
                .invoke(() -> {
                    wakeup.jobsCommitted();
                    relay.wake();
                    interrupted.forEach(i -> control.sendCancel(i.worker(), i.run()));
                })
                .flatMap(x -> queries.get(workspace, runId.toString()));
    }

    /** Binds the session to the run's assistant; refused when a concurrent first run bound it to another. */
    private Uni<Void> bind(SqlConnection tx, Plan p) {
        return sessions.bind(tx, p.sessionId(), p.assistantId()).invoke(bound -> {
            if (!p.assistantId().equals(bound)) {
                throw ApiProblem.invalid("session " + p.sessionId() + " belongs to assistant " + bound + ", not "
                        + p.assistantId() + " (its first run bound it meanwhile)");
            }
        }).replaceWithVoid();
    }

    /**
     * Checks the referenced artifacts exist in the workspace and holds them (key-share lock) until the run is
     * committed, so a concurrent delete sees the run and refuses. Another workspace's artifact is simply unknown.
     */
    private Uni<Void> referencedArtifacts(SqlConnection tx, String workspace,
            List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return artifacts.holdExisting(tx, workspace, ids).invoke(held -> {
            var found = held.stream().map(ArtifactRepository.Held::id).toList();
            var missing = ids.stream().filter(id -> !found.contains(id)).map(UUID::toString).toList();
            if (!missing.isEmpty()) {
                throw ApiProblem.invalid("unknown artifact" + (missing.size() == 1 ? " " : "s ")
                        + String.join(", ", missing), missing.stream().map(id -> "artifact '" + id
                                + "' does not exist").toList());
            }
            // the texts the worker would place into prompts, by their declared sizes
            long text = held.stream().filter(a -> ArtifactText.read(a.contentType(), a.sizeBytes()))
                    .mapToLong(ArtifactRepository.Held::sizeBytes).sum();
            if (text > promptBudget) {
                throw ApiProblem.invalid("the run's text artifacts hold " + text + " bytes; a run places at most "
                        + promptBudget + " bytes of artifact text into its prompts "
                        + "(forge.artifacts.prompt-budget-bytes)");
            }
        }).replaceWithVoid();
    }

    /**
     * The multitask strategy for a session that may be busy, under a lock on the session row so concurrent creates
     * see each other: enqueue waits its turn, reject refuses (409), interrupt cancels what is unfinished first.
     */
    /** A running run that "interrupt" cancelled, and the worker to tell once the transaction committed. */
    private record Interrupted(UUID run, UUID worker) {
    }

    private Uni<Void> busySession(SqlConnection tx, String workspace, Plan p,
            List<Interrupted> interrupted) {
        return runs.lockSession(tx, workspace, p.sessionId()).flatMap(exists -> {
            if (!exists) {
                throw ApiProblem.notFound("session", p.sessionId().toString());
            }
            if (p.multitask().equals("enqueue")) {
                return Uni.createFrom().voidItem();
            }
            return runs.unfinished(tx, p.sessionId()).flatMap(active -> {
                if (active.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                if (p.multitask().equals("reject")) {
                    throw new ApiProblem(409, "session-busy", "Session busy", "session " + p.sessionId()
                            + " has " + active.size() + " unfinished run(s) (" + active.get(0)
                            + (active.size() > 1 ? ", …" : "") + "); multitask_strategy 'reject' refuses a new one",
                            null);
                }
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (UUID run : active) {
                    chain = chain.flatMap(x -> runs.cancel(tx, workspace, run)).invoke(c -> {
                        if (c.worker() != null) {
                            interrupted.add(new Interrupted(run, c.worker()));
                        }
                    }).replaceWithVoid();
                }
                return chain;
            });
        });
    }

    private static final Set<String> FORK_FIELDS = Set.of("step", "overrides", "new_session");

    /**
     * Fork (with overrides) or replay (without) a run from the checkpoint at step N: a new pending run, linked to its
     * parent, pinned to the parent's flow version and input, starting from the parent's state at step N. The
     * original run is never touched.
     */
    public Uni<Created> fork(String workspace, String id, JsonNode body, boolean replay) {
        var req = Requests.of(body, replay ? Set.of("step", "new_session") : FORK_FIELDS);
        Integer step = null;
        var stepNode = body.get("step");
        if (stepNode == null || !stepNode.isIntegralNumber() || stepNode.asLong() < 0
                || stepNode.asLong() > Integer.MAX_VALUE) {
            req.error("'step' is required: the index of the checkpoint to continue from (0 or more)");
        } else {
            step = stepNode.asInt();
        }
        boolean newSession = body.path("new_session").asBoolean(false);
        if (body.has("new_session") && !body.get("new_session").isBoolean()) {
            req.error("'new_session' must be true or false");
        }
        JsonNode forkOverrides = body.has("overrides") && !body.get("overrides").isNull() ? body.get("overrides")
                : JsonNodeFactory.instance.objectNode();
        if (!forkOverrides.isObject()) {
            req.error("'overrides' must be a JSON object");
        }
        req.check();
        int from = step;
        return queries.get(workspace, id).flatMap(parent -> runs.checkpoint(UUID.fromString(id), from).flatMap(cp -> {
            if (cp.isEmpty()) {
                return queries.checkpoint(workspace, id, from).replaceWith((Created) null);
            }
            // the fork keeps the parent's overrides unless it replaces them key by key
            var merged = parent.get("overrides").isObject() ? (ObjectNode) parent.get("overrides").deepCopy()
                    : JsonNodeFactory.instance.objectNode();
            merged.setAll((ObjectNode) forkOverrides);
            var parsed = RunOverridesJson.parse(merged);
            if (!parsed.problems().isEmpty()) {
                throw ApiProblem.invalid(parsed.problems().size() == 1 ? parsed.problems().get(0)
                        : parsed.problems().size() + " problems in the overrides", parsed.problems());
            }
            return flows.resolve(parent.get("flow").get("name").asText(), parent.get("flow").get("version").asText())
                    .flatMap(flow -> {
                        var problems = overrideProblems(flow, parsed.overrides());
                        if (!problems.isEmpty()) {
                            throw ApiProblem.invalid(problems.size() == 1 ? problems.get(0)
                                    : problems.size() + " problems in the overrides", problems);
                        }
                        return insertFork(workspace, parent, from, merged, newSession, cp.get().get("state"));
                    });
        }));
    }

    private Uni<Created> insertFork(String workspace, ObjectNode parent, int step, JsonNode overrides,
            boolean newSession, JsonNode parentState) {
        UUID runId = UUID.randomUUID();
        UUID parentId = UUID.fromString(parent.get("id").asText());
        UUID assistantId = UUID.fromString(parent.get("assistant_id").asText());
        UUID sessionId = newSession ? UUID.randomUUID() : UUID.fromString(parent.get("session_id").asText());
        var traceParent = TraceContext.currentTraceparent().orElse(null);
        return pool.withTransaction(tx -> (newSession
                ? sessions.insert(tx, sessionId, workspace, assistantId, JsonNodeFactory.instance.objectNode())
                        .replaceWithVoid()
                : runs.lockSession(tx, workspace, sessionId).replaceWithVoid())
                .flatMap(x -> runs.insertFork(tx, runId, workspace, sessionId, parentId, step, overrides,
                        parentState, traceParent))
                .flatMap(x -> artifacts.copyLinks(tx, parentId, runId))
                .flatMap(x -> queue.enqueue(tx, runId, sessionId, workspace, assistantId, config.runMaxAttempts()))
                .flatMap(x -> runs.event(tx, workspace, runId, sessionId, "run.created",
                        JsonNodeFactory.instance.objectNode().put("forked_from_run", parentId.toString())
                                .put("forked_from_step", step))))
                .invoke(() -> {
                    wakeup.jobsCommitted();
                    relay.wake();
                })
                .flatMap(x -> queries.get(workspace, runId.toString()))
                .map(run -> new Created(run, false));
    }
}
