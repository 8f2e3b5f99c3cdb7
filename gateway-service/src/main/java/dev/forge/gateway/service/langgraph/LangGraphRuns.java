package dev.forge.gateway.service.langgraph;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Caller;
import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.gateway.repository.LangGraphRepository;
import dev.forge.gateway.repository.RunRepository;
import dev.forge.gateway.repository.SessionRepository;
import dev.forge.gateway.service.RunControls;
import dev.forge.gateway.service.RunCreation;
import dev.forge.gateway.service.RunQueries;
import dev.forge.gateway.service.SessionService;
import dev.forge.gateway.service.WaitingRuns;
import io.smallrye.mutiny.Uni;

/**
 * LangGraph's runs on Forge's. A run on a thread whose latest run waits for a person, with a {@code command} (or no
 * input), continues that run — Forge resumes it rather than starting another, so its run_id is the waiting run's.
 * Otherwise a new Forge run is created in the thread's session (or, stateless, in a new one).
 */
@ApplicationScoped
public class LangGraphRuns {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> FIELDS = Set.of("assistant_id", "input", "command", "config", "context",
            "metadata", "stream_mode", "stream_subgraphs", "stream_resumable", "interrupt_before", "interrupt_after",
            "webhook", "multitask_strategy", "if_not_exists", "on_completion", "on_disconnect", "durability",
            "checkpoint_during", "feedback_keys", "after_seconds", "checkpoint", "checkpoint_id");
    private static final Set<String> CONFIG = Set.of("configurable", "tags", "recursion_limit", "run_name",
            "run_id", "metadata", "callbacks", "max_concurrency");
    private static final Set<String> COMMAND = Set.of("resume", "goto", "update");
    private static final Set<String> MULTITASK = Set.of("enqueue", "reject", "interrupt");
    private static final Duration WAIT = Duration.ofMinutes(10);

    private final RunCreation creation;
    private final RunQueries queries;
    private final RunControls controls;
    private final WaitingRuns waiting;
    private final SessionRepository sessions;
    private final SessionService sessionService;
    private final RunRepository runRepository;
    private final LangGraphRepository langGraph;
    private final LangGraphAssistants assistants;
    private final LangGraphThreads threads;

    public LangGraphRuns(RunCreation creation, RunQueries queries, RunControls controls, WaitingRuns waiting,
            SessionRepository sessions, SessionService sessionService, RunRepository runRepository,
            LangGraphRepository langGraph, LangGraphAssistants assistants, LangGraphThreads threads) {
        this.creation = creation;
        this.queries = queries;
        this.controls = controls;
        this.waiting = waiting;
        this.sessions = sessions;
        this.sessionService = sessionService;
        this.runRepository = runRepository;
        this.langGraph = langGraph;
        this.assistants = assistants;
        this.threads = threads;
    }

    /**
     * A started (or continued) run: the Forge run, the event id its stream starts after (a continued run's earlier
     * events were streamed before), the stream modes, and what to do when it ends or its client leaves.
     */
    public record Started(ObjectNode run, long after, Set<String> modes, boolean deleteThreadAfter,
            boolean cancelOnDisconnect) {

        public String runId() {
            return run.get("id").asText();
        }

        public String threadId() {
            return run.get("session_id").asText();
        }
    }

    /** Validates and starts a run; {@code threadId} null for a stateless run. */
    public Uni<Started> start(Caller caller, String threadId, JsonNode raw, boolean background) {
        var body = LangGraphInput.orEmpty(raw);
        var req = Requests.of(body, FIELDS);
        var assistantRef = req.text("assistant_id", true, 200);
        var modes = streamModes(req);
        var command = body.hasNonNull("command") ? req.nested("command", COMMAND) : null;
        if (command != null) {
            command.text("goto", false, 200);
            if (command.body().has("update")) {
                command.nested("update", Set.of("input", "outputs"));
            }
        }
        var input = body.get("input");
        if (input != null && !input.isNull() && !input.isObject()) {
            req.error("'input' must be a JSON object (or null to continue a waiting thread)");
        }
        var config = req.nested("config", CONFIG);
        var overrides = config.object("configurable");
        var multitask = LangGraphInput.oneOf(req, "multitask_strategy", "enqueue",
                Set.of("enqueue", "reject", "interrupt", "rollback"));
        if (multitask.equals("rollback")) {
            req.error("'multitask_strategy' 'rollback' is not supported by Forge's LangGraph API: Forge never deletes "
                    + "a run it cancels (use 'interrupt')");
        }
        var ifNotExists = LangGraphInput.oneOf(req, "if_not_exists", "reject", Set.of("create", "reject"));
        var onCompletion = LangGraphInput.oneOf(req, "on_completion", threadId == null ? "delete" : "keep",
                Set.of("delete", "keep"));
        var onDisconnect = LangGraphInput.oneOf(req, "on_disconnect", "continue", Set.of("cancel", "continue"));
        LangGraphInput.oneOf(req, "durability", "sync", Set.of("sync", "async", "exit"));
        LangGraphInput.unsupported(req, "context", "pass per-run settings as config.configurable (Forge overrides)");
        LangGraphInput.unsupported(req, "metadata", "Forge runs carry no metadata; put it on the thread");
        LangGraphInput.unsupported(req, "feedback_keys", "Forge has no LangSmith feedback");
        LangGraphInput.unsupported(req, "after_seconds", "delay a run with a Forge schedule (/v1/schedules)");
        LangGraphInput.unsupported(req, "checkpoint", "fork a run at a step with POST /v1/runs/{id}/fork");
        LangGraphInput.unsupported(req, "checkpoint_id", "fork a run at a step with POST /v1/runs/{id}/fork");
        if (background && threadId == null && onCompletion.equals("delete")) {
            req.error("'on_completion' 'delete' needs a client that waits for the run (stream or wait); a background "
                    + "stateless run keeps its thread: send 'keep'");
        }
        var webhook = req.text("webhook", false, 2048);
        req.check();

        var forge = JSON.objectNode();
        forge.set("input", input == null || input.isNull() ? JSON.objectNode() : input);
        if (!overrides.isEmpty()) {
            forge.set("overrides", overrides);
        }
        if (MULTITASK.contains(multitask)) {
            forge.put("multitask_strategy", multitask);
        }
        for (String list : new String[] { "interrupt_before", "interrupt_after" }) {
            if (body.hasNonNull(list)) {
                forge.set(list, body.get(list));
            }
        }
        webhook.ifPresent(w -> forge.put("webhook", w));
        boolean continues = command != null || input == null || input.isNull();
        String workspace = caller.workspace();
        boolean deleteAfter = threadId == null && onCompletion.equals("delete");
        boolean cancelOnDisconnect = onDisconnect.equals("cancel");

        return assistants.resolve(workspace, assistantRef.get()).flatMap(assistant -> {
            forge.put("assistant_id", assistant.get("id").asText());
            if (threadId == null) {
                if (continues && command != null) {
                    throw ApiProblem.invalid("a 'command' continues a waiting thread: send it to the thread's runs");
                }
                return created(workspace, forge, null, modes, deleteAfter, cancelOnDisconnect);
            }
            return thread(workspace, threadId, ifNotExists).flatMap(session -> threads.latestRun(workspace, threadId))
                    .flatMap(latest -> {
                        boolean waits = latest.isPresent() && latest.get().get("status").asText().equals("interrupted");
                        if (continues && waits) {
                            return resume(caller, latest.get(), command == null ? null : command.body(), modes,
                                    cancelOnDisconnect);
                        }
                        if (command != null) {
                            throw new ApiProblem(409, "not-waiting", "Thread not waiting", "a 'command' answers a "
                                    + "waiting run, and no run of thread " + threadId + " waits", null);
                        }
                        if (continues) {
                            throw ApiProblem.invalid("'input' is required: no run of thread " + threadId
                                    + " waits to be continued");
                        }
                        if (waits && multitask.equals("enqueue")) {
                            throw new ApiProblem(409, "thread-waiting", "Thread waiting", "run "
                                    + latest.get().get("id").asText() + " of thread " + threadId + " waits for an "
                                    + "answer; a new run would queue behind it: continue it with a 'command', or "
                                    + "send multitask_strategy 'interrupt'", null);
                        }
                        return created(workspace, forge, threadId, modes, false, cancelOnDisconnect);
                    });
        });
    }

    private Uni<ObjectNode> thread(String workspace, String threadId, String ifNotExists) {
        UUID id = Requests.pathId("thread", threadId);
        return sessions.find(workspace, id).flatMap(found -> {
            if (found.isPresent()) {
                return Uni.createFrom().item(found.get());
            }
            if (!ifNotExists.equals("create")) {
                throw ApiProblem.notFound("thread", threadId);
            }
            return sessions.insert(id, workspace, null, JSON.objectNode());
        });
    }

    private Uni<Started> created(String workspace, ObjectNode forge, String threadId, Set<String> modes,
            boolean deleteAfter, boolean cancelOnDisconnect) {
        return creation.create(workspace, forge, threadId)
                .map(run -> new Started(run, 0, modes, deleteAfter, cancelOnDisconnect));
    }

    /** Continues the waiting run with the command's answer, state edit and goto (a go-ahead without a command). */
    private Uni<Started> resume(Caller caller, ObjectNode run, JsonNode command, Set<String> modes,
            boolean cancelOnDisconnect) {
        var answer = JSON.objectNode();
        if (command != null) {
            if (command.has("resume")) {
                answer.set("value", command.get("resume"));
            }
            if (command.hasNonNull("goto")) {
                answer.set("goto", command.get("goto"));
            }
            if (command.hasNonNull("update")) {
                answer.set("state", command.get("update"));
            }
        }
        UUID runId = UUID.fromString(run.get("id").asText());
        return langGraph.lastEventId(runId).flatMap(after -> waiting.resume(caller, runId.toString(), answer, null)
                .map(answered -> new Started(answered.run(), after, modes, false, cancelOnDisconnect)));
    }

    /** stream_mode: one mode or a list; values when absent. */
    private static Set<String> streamModes(Requests req) {
        var node = req.body().get("stream_mode");
        var modes = new LinkedHashSet<String>();
        if (node == null || node.isNull()) {
            modes.add("values");
            return modes;
        }
        if (node.isTextual()) {
            modes.add(node.asText());
        } else if (node.isArray() && node.size() <= 10) {
            node.forEach(m -> modes.add(m.isTextual() ? m.asText() : m.toString()));
        } else {
            req.error("'stream_mode' must be a stream mode or a list of them");
        }
        for (String m : modes) {
            if (!LangGraphChunks.MODES.contains(m)) {
                req.error("'stream_mode' '" + m + "' is not supported by Forge's LangGraph API (supported: "
                        + LangGraphChunks.MODES.stream().sorted().toList() + ")");
            }
        }
        return modes;
    }

    /**
     * The run's state after a step: the checkpoint at that step (read directly: a stream asks once per step), or
     * the latest one before it.
     */
    public Uni<JsonNode> stateAt(String workspace, String runId, int step) {
        if (step == Integer.MAX_VALUE) {
            return stateAtOrBefore(workspace, runId, step);
        }
        return queries.checkpoint(workspace, runId, step).map(c -> (JsonNode) c.get("state"))
                .onFailure(ApiProblem.class).recoverWithUni(() -> stateAtOrBefore(workspace, runId, step));
    }

    private Uni<JsonNode> stateAtOrBefore(String workspace, String runId, int step) {
        return runRepository.checkpointSteps(UUID.fromString(runId)).flatMap(steps -> {
            int at = steps.stream().filter(s -> s <= step).reduce((a, b) -> b).orElse(steps.isEmpty() ? 0
                    : steps.get(0));
            return queries.checkpoint(workspace, runId, at).map(c -> c.get("state"));
        });
    }

    /**
     * What wait and join answer: the thread's values when the run stopped; a failed run's error as LangGraph's
     * {@code __error__}; a waiting run's values with its {@code __interrupt__}.
     */
    public Uni<ObjectNode> awaitValues(String workspace, String runId) {
        return queries.awaitTerminal(workspace, runId, WAIT).flatMap(run -> {
            String status = run.get("status").asText();
            if (status.equals("failed") || status.equals("timed_out")) {
                var error = run.path("error");
                var out = JSON.objectNode();
                out.putObject("__error__").put("error", status.equals("timed_out") ? "TimeoutError" : "RunError")
                        .put("message", error.path("message").asText(error.toString()));
                return Uni.createFrom().item(out);
            }
            return stateAt(workspace, runId, Integer.MAX_VALUE).map(state -> {
                var values = LangGraphViews.values(runId, state);
                if (status.equals("interrupted")) {
                    values.set("__interrupt__", LangGraphViews.interrupts(run));
                }
                return values;
            });
        });
    }

    /** Deletes a stateless run's thread once its client has seen it end (on_completion 'delete'). */
    public Uni<Void> deleteThread(String workspace, String threadId) {
        return sessionService.delete(workspace, threadId).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** A run by its id alone. */
    public Uni<ObjectNode> run(String workspace, String runId) {
        return queries.get(workspace, runId);
    }

    /** The run, checked to belong to the thread. */
    public Uni<ObjectNode> run(String workspace, String threadId, String runId) {
        Requests.pathId("thread", threadId);
        return queries.get(workspace, runId).map(run -> {
            if (!run.get("session_id").asText().equals(threadId)) {
                throw ApiProblem.notFound("run", runId);
            }
            return run;
        });
    }

    public Uni<ArrayNode> list(String workspace, String threadId, int limit, int offset, String status) {
        return threads.session(workspace, threadId).flatMap(s -> queries.list(workspace, threadId,
                forgeStatus(status), null, Math.min(limit + offset, LangGraphInput.MAX_PAGE)))
                .map(page -> {
                    var out = JSON.arrayNode();
                    page.items().stream().skip(offset).limit(limit).forEach(r -> out.add(LangGraphViews.run(r)));
                    return out;
                });
    }

    private static String forgeStatus(String langGraphStatus) {
        if (langGraphStatus == null || langGraphStatus.isBlank()) {
            return null;
        }
        return switch (langGraphStatus) {
            case "pending", "running", "interrupted" -> langGraphStatus;
            case "success" -> "succeeded";
            case "error" -> "failed";
            case "timeout" -> "timed_out";
            default -> throw ApiProblem.invalid("'status' must be one of pending, running, success, error, timeout, "
                    + "interrupted");
        };
    }

    /** Cancels the run (interrupt); {@code rollback} also deletes it once it stopped. */
    public Uni<Void> cancel(Caller caller, String threadId, String runId, boolean wait, String action) {
        String workspace = caller.workspace();
        if (action != null && !action.equals("interrupt") && !action.equals("rollback")) {
            throw ApiProblem.invalid("'action' must be interrupt or rollback");
        }
        return run(workspace, threadId, runId).flatMap(run -> {
            String status = run.get("status").asText();
            Uni<Void> cancelled = LangGraphViews.finished(status) ? Uni.createFrom().voidItem()
                    : status.equals("interrupted")
                            ? waiting.reject(caller, runId, JSON.objectNode().put("reason",
                                    "cancelled by a LangGraph client")).replaceWithVoid()
                            : controls.cancel(workspace, runId).replaceWithVoid();
            if ("rollback".equals(action)) {
                return cancelled.flatMap(x -> queries.awaitTerminal(workspace, runId, WAIT))
                        .flatMap(x -> controls.delete(workspace, runId));
            }
            return wait ? cancelled.flatMap(x -> queries.awaitTerminal(workspace, runId, WAIT)).replaceWithVoid()
                    : cancelled;
        });
    }

    public Uni<Void> delete(String workspace, String threadId, String runId) {
        return run(workspace, threadId, runId).flatMap(run -> controls.delete(workspace, runId));
    }

}
