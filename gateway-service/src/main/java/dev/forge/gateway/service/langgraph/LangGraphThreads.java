package dev.forge.gateway.service.langgraph;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.gateway.repository.LangGraphRepository;
import dev.forge.gateway.repository.LangGraphRepository.CheckpointAt;
import dev.forge.gateway.repository.RunRepository;
import dev.forge.gateway.repository.SessionRepository;
import dev.forge.gateway.service.RunCreation;
import dev.forge.gateway.service.RunQueries;
import dev.forge.gateway.service.SessionService;
import io.smallrye.mutiny.Uni;

/**
 * LangGraph's threads on Forge's sessions, and their state: a thread's state is the latest checkpoint of its latest
 * run; its history every checkpoint of its runs, newest first.
 */
@ApplicationScoped
public class LangGraphThreads {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> CREATE = Set.of("thread_id", "metadata", "if_exists", "supersteps", "graph_id",
            "ttl");
    private static final Set<String> SEARCH = Set.of("ids", "metadata", "values", "status", "limit", "offset",
            "sort_by", "sort_order", "select");
    private static final Set<String> STATUSES = Set.of("idle", "busy", "interrupted", "error");
    private static final Set<String> STATE_EDIT = Set.of("input", "outputs");

    private final SessionRepository sessions;
    private final SessionService sessionService;
    private final RunQueries runs;
    private final RunRepository runRepository;
    private final RunCreation creation;
    private final LangGraphRepository langGraph;
    private final FlowCatalog flows;

    public LangGraphThreads(SessionRepository sessions, SessionService sessionService, RunQueries runs,
            RunRepository runRepository, RunCreation creation, LangGraphRepository langGraph, FlowCatalog flows) {
        this.flows = flows;
        this.sessions = sessions;
        this.sessionService = sessionService;
        this.runs = runs;
        this.runRepository = runRepository;
        this.creation = creation;
        this.langGraph = langGraph;
    }

    public Uni<ObjectNode> create(String workspace, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), CREATE);
        var id = req.uuid("thread_id", false);
        var ifExists = LangGraphInput.oneOf(req, "if_exists", "raise", Set.of("raise", "do_nothing"));
        var metadata = req.object("metadata");
        LangGraphInput.unsupported(req, "supersteps", "a Forge session's state is written by its runs only");
        LangGraphInput.unsupported(req, "ttl", "Forge keeps sessions until they are deleted");
        req.text("graph_id", false, 200);
        req.check();
        UUID threadId = id.orElseGet(UUID::randomUUID);
        return sessions.find(workspace, threadId).flatMap(existing -> {
            if (existing.isPresent()) {
                if (ifExists.equals("do_nothing")) {
                    return view(workspace, existing.get());
                }
                throw new ApiProblem(409, "conflict", "Thread exists", "thread " + threadId
                        + " already exists (if_exists 'do_nothing' answers it instead)", null);
            }
            return sessions.insert(threadId, workspace, null, metadata)
                    .map(session -> LangGraphViews.thread(session, null, null));
        });
    }

    /** The session of a thread, or 404. */
    public Uni<ObjectNode> session(String workspace, String threadId) {
        UUID id = Requests.pathId("thread", threadId);
        return sessions.find(workspace, id).map(found -> found.orElseThrow(() -> ApiProblem.notFound("thread",
                threadId)));
    }

    public Uni<ObjectNode> get(String workspace, String threadId) {
        return session(workspace, threadId).flatMap(s -> view(workspace, s));
    }

    /** The session's latest run, if it has any. */
    public Uni<Optional<ObjectNode>> latestRun(String workspace, String sessionId) {
        return runs.list(workspace, sessionId, null, null, 1)
                .map(page -> page.items().isEmpty() ? Optional.empty() : Optional.of(page.items().get(0)));
    }

    private Uni<ObjectNode> view(String workspace, ObjectNode session) {
        String id = session.get("id").asText();
        return latestRun(workspace, id).flatMap(run -> run.isEmpty()
                ? Uni.createFrom().item(LangGraphViews.thread(session, null, null))
                : latestCheckpoint(run.get()).map(cp -> LangGraphViews.thread(session, run.get(),
                        cp.map(c -> (JsonNode) LangGraphViews.values(run.get().get("id").asText(), c.get("state")))
                                .orElse(null))));
    }

    private Uni<Optional<ObjectNode>> latestCheckpoint(ObjectNode run) {
        UUID runId = UUID.fromString(run.get("id").asText());
        return runRepository.checkpointSteps(runId).flatMap(steps -> steps.isEmpty()
                ? Uni.createFrom().item(Optional.<ObjectNode>empty())
                : runs.checkpoint(run.get("workspace_id").asText(), runId.toString(), steps.get(steps.size() - 1))
                        .map(Optional::of));
    }

    public Uni<LangGraphPage> search(String workspace, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), SEARCH);
        var metadata = LangGraphInput.objectOrNull(req, "metadata");
        LangGraphInput.unsupported(req, "values", "Forge searches sessions by metadata and status, not by state");
        var status = req.text("status", false, 20);
        status.filter(s -> !STATUSES.contains(s)).ifPresent(s -> req.error("'status' must be one of "
                + STATUSES.stream().sorted().toList()));
        int limit = LangGraphInput.integer(req, "limit", 10, 1, LangGraphInput.MAX_PAGE);
        int offset = LangGraphInput.integer(req, "offset", 0, 0, Integer.MAX_VALUE);
        var sortBy = req.text("sort_by", false, 40).orElse("created_at");
        if (!LangGraphRepository.threadSortable(sortBy)) {
            req.error("'sort_by' must be one of thread_id, status, created_at, updated_at");
        }
        boolean ascending = LangGraphInput.sortOrder(req).map("asc"::equals).orElse(false);
        List<UUID> ids = null;
        var idsNode = req.body().get("ids");
        if (idsNode != null && !idsNode.isNull()) {
            ids = new ArrayList<>();
            if (!idsNode.isArray() || idsNode.size() > LangGraphInput.MAX_PAGE) {
                req.error("'ids' must be a list of at most " + LangGraphInput.MAX_PAGE + " thread ids");
            } else {
                for (JsonNode item : idsNode) {
                    try {
                        ids.add(UUID.fromString(item.asText()));
                    } catch (IllegalArgumentException e) {
                        req.error("'ids' must hold thread ids (UUIDs); '" + item.asText() + "' is not one");
                    }
                }
            }
        }
        var select = req.body().get("select");
        req.check();
        return langGraph.searchThreads(workspace, ids, metadata, status.orElse(null), sortBy, ascending, limit,
                offset).flatMap(found -> {
                    Uni<ArrayNode> chain = Uni.createFrom().item(JSON.arrayNode());
                    for (var session : found) {
                        chain = chain.flatMap(items -> view(workspace, session)
                                .map(t -> items.add(LangGraphAssistants.selected(t, select))));
                    }
                    return chain;
                }).map(items -> new LangGraphPage(items, offset, limit));
    }

    public Uni<Long> count(String workspace, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), Set.of("metadata", "values", "status"));
        var metadata = LangGraphInput.objectOrNull(req, "metadata");
        LangGraphInput.unsupported(req, "values", "Forge searches sessions by metadata and status, not by state");
        var status = req.text("status", false, 20);
        status.filter(s -> !STATUSES.contains(s)).ifPresent(s -> req.error("'status' must be one of "
                + STATUSES.stream().sorted().toList()));
        req.check();
        return langGraph.countThreads(workspace, metadata, status.orElse(null));
    }

    public Uni<ObjectNode> update(String workspace, String threadId, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), Set.of("metadata", "ttl"));
        var metadata = req.object("metadata");
        LangGraphInput.unsupported(req, "ttl", "Forge keeps sessions until they are deleted");
        req.check();
        UUID id = Requests.pathId("thread", threadId);
        return sessions.mergeMetadata(workspace, id, metadata)
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("thread", threadId)))
                .flatMap(s -> view(workspace, s));
    }

    public Uni<Void> delete(String workspace, String threadId) {
        Requests.pathId("thread", threadId);
        return sessionService.delete(workspace, threadId).onFailure(ApiProblem.class).transform(e ->
                ((ApiProblem) e).status() == 404 ? ApiProblem.notFound("thread", threadId) : e);
    }

    /**
     * A copy: a new thread whose state is the thread's latest (its latest run forked at its last checkpoint into a new
     * session, which continues from there), with the same metadata; an empty thread copies to an empty one.
     */
    public Uni<ObjectNode> copy(String workspace, String threadId) {
        return session(workspace, threadId).flatMap(s -> latestRun(workspace, threadId).flatMap(run -> {
            if (run.isEmpty()) {
                return sessions.insert(UUID.randomUUID(), workspace, null, s.get("metadata"))
                        .map(copy -> LangGraphViews.thread(copy, null, null));
            }
            UUID runId = UUID.fromString(run.get().get("id").asText());
            return runRepository.checkpointSteps(runId).flatMap(steps -> {
                if (steps.isEmpty()) {
                    throw new ApiProblem(409, "conflict", "Thread not ready", "the latest run of thread " + threadId
                            + " has no checkpoint yet; copy it once it has started", null);
                }
                var fork = JSON.objectNode().put("step", steps.get(steps.size() - 1)).put("new_session", true);
                return creation.fork(workspace, runId.toString(), fork, true);
            }).flatMap(forked -> sessions.mergeMetadata(workspace, UUID.fromString(forked.run().get("session_id")
                    .asText()), s.get("metadata"))).map(copy -> copy.orElseThrow())
                    .flatMap(copy -> view(workspace, copy));
        }));
    }

    /** The thread's state at a checkpoint (its latest without one). */
    public Uni<ObjectNode> state(String workspace, String threadId, String checkpointId) {
        return session(workspace, threadId).flatMap(s -> {
            if (checkpointId != null) {
                UUID cp = Requests.pathId("checkpoint", checkpointId);
                return langGraph.checkpoint(workspace, UUID.fromString(threadId), cp).flatMap(at -> stateAt(workspace,
                        threadId, at.orElseThrow(() -> ApiProblem.notFound("checkpoint", checkpointId))));
            }
            return latestRun(workspace, threadId).flatMap(run -> run.isEmpty() ? Uni.createFrom().item(emptyState())
                    : runRepository.checkpointSteps(UUID.fromString(run.get().get("id").asText()))
                            .flatMap(steps -> steps.isEmpty() ? Uni.createFrom().item(emptyState())
                                    : stateAt(workspace, threadId, new CheckpointAt(UUID.fromString(run.get().get("id")
                                            .asText()), steps.get(steps.size() - 1)))));
        });
    }

    private static ObjectNode emptyState() {
        var out = JSON.objectNode();
        out.putObject("values");
        out.putArray("next");
        out.putNull("checkpoint");
        out.putObject("metadata");
        out.putNull("created_at");
        out.putNull("parent_checkpoint");
        out.putArray("tasks");
        out.putArray("interrupts");
        return out;
    }

    private Uni<ObjectNode> stateAt(String workspace, String threadId, CheckpointAt at) {
        return runs.get(workspace, at.runId().toString()).flatMap(run -> runs.checkpoints(workspace,
                at.runId().toString()).map(all -> {
                    ObjectNode checkpoint = null;
                    ObjectNode parent = null;
                    for (var c : all) {
                        if (c.get("step_index").asInt() == at.step()) {
                            checkpoint = c;
                            break;
                        }
                        parent = c;
                    }
                    if (checkpoint == null) {
                        throw ApiProblem.notFound("checkpoint", at.runId() + " step " + at.step());
                    }
                    boolean latest = all.get(all.size() - 1) == checkpoint;
                    return LangGraphViews.state(threadId, run, checkpoint, parent, latest);
                }));
    }

    public Uni<ArrayNode> history(String workspace, String threadId, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), Set.of("limit", "before", "metadata", "checkpoint"));
        int limit = LangGraphInput.integer(req, "limit", 10, 1, LangGraphInput.MAX_PAGE);
        var before = LangGraphInput.objectOrNull(req, "before");
        LangGraphInput.unsupported(req, "metadata", "history is filtered by 'before' and 'limit'");
        LangGraphInput.unsupported(req, "checkpoint", "history is filtered by 'before' and 'limit'");
        req.check();
        UUID sessionId = Requests.pathId("thread", threadId);
        Uni<CheckpointAt> beforeAt = before == null || !before.hasNonNull("checkpoint_id")
                ? Uni.createFrom().nullItem()
                : langGraph.checkpoint(workspace, sessionId, Requests.pathId("checkpoint", before.get("checkpoint_id")
                        .asText())).map(found -> found.orElseThrow(() -> ApiProblem.notFound("checkpoint",
                                before.get("checkpoint_id").asText())));
        return session(workspace, threadId).flatMap(s -> beforeAt)
                .flatMap(b -> langGraph.history(workspace, sessionId, b, limit))
                .flatMap(points -> {
                    Uni<ArrayNode> chain = Uni.createFrom().item(JSON.arrayNode());
                    for (var point : points) {
                        chain = chain.flatMap(out -> stateAt(workspace, threadId, point).map(out::add));
                    }
                    return chain;
                });
    }

    /**
     * LangGraph's update_state on a thread whose latest run waits for a person: the edit (values with input and/or
     * outputs) is kept and applied when the run continues. Checkpoints of a run that is not waiting are history
     * (Forge never rewrites them): 409.
     */
    public Uni<ObjectNode> updateState(String workspace, String threadId, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), Set.of("values", "as_node", "checkpoint",
                "checkpoint_id"));
        var values = req.nested("values", STATE_EDIT);
        if (values.body().isEmpty()) {
            req.error("'values' is required: an object with 'input' and/or 'outputs' (by executor)");
        }
        values.object("input");
        values.object("outputs");
        LangGraphInput.unsupported(req, "as_node", "Forge continues a waiting run where it waits (or at a "
                + "command's 'goto')");
        req.text("checkpoint_id", false, 64);
        req.check();
        return session(workspace, threadId).flatMap(s -> latestRun(workspace, threadId)).flatMap(run -> {
            if (run.isEmpty() || !run.get().get("status").asText().equals("interrupted")) {
                throw new ApiProblem(409, "not-waiting", "Thread not waiting", "update_state applies to a thread "
                        + "whose latest run waits (interrupted); Forge's checkpoints of other runs are history — "
                        + "fork a run to change its past", null);
            }
            UUID runId = UUID.fromString(run.get().get("id").asText());
            var flow = run.get().get("flow");
            return flows.resolve(flow.get("name").asText(), flow.get("version").asText()).flatMap(blueprint -> {
                var unknown = new ArrayList<String>();
                values.body().path("outputs").fieldNames().forEachRemaining(e -> {
                    if (blueprint.executor(e).isEmpty()) {
                        unknown.add(e);
                    }
                });
                if (!unknown.isEmpty()) {
                    throw ApiProblem.invalid("'values.outputs' names executors flow '" + blueprint.name()
                            + "' does not have: " + unknown);
                }
                return langGraph.keepStateEdit(workspace, runId, values.body());
            }).flatMap(kept -> {
                if (!kept) {
                    throw new ApiProblem(409, "not-waiting", "Thread not waiting", "the thread's run " + runId
                            + " stopped waiting meanwhile", null);
                }
                return state(workspace, threadId, null);
            }).map(state -> JSON.objectNode().set("checkpoint", state.get("checkpoint")));
        });
    }
}
