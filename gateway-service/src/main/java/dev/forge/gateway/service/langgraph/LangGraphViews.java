package dev.forge.gateway.service.langgraph;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;

/**
 * Forge's resources as LangGraph's API shows them: assistant = assistant (graph_id = flow), thread = session,
 * run = run, checkpoint = checkpoint. Pure functions over the Forge views; nothing here does I/O.
 */
public final class LangGraphViews {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Forge run status → LangGraph run status (a cancelled run is "interrupted" in LangGraph's words). */
    private static final Map<String, String> RUN_STATUS = Map.of("pending", "pending", "running", "running",
            "interrupted", "interrupted", "succeeded", "success", "failed", "error", "cancelled", "interrupted",
            "timed_out", "timeout");

    private LangGraphViews() {
    }

    public static String runStatus(String forgeStatus) {
        return RUN_STATUS.getOrDefault(forgeStatus, forgeStatus);
    }

    public static boolean finished(String forgeStatus) {
        return !forgeStatus.equals("pending") && !forgeStatus.equals("running") && !forgeStatus.equals("interrupted");
    }

    public static ObjectNode assistant(JsonNode a) {
        var out = JSON.objectNode();
        out.put("assistant_id", a.get("id").asText());
        out.put("graph_id", a.path("flow").path("name").asText());
        out.set("config", a.path("config").isObject() ? a.get("config") : JSON.objectNode());
        out.set("context", JSON.objectNode());
        out.set("metadata", a.path("metadata").isObject() ? a.get("metadata") : JSON.objectNode());
        out.put("version", a.path("version").asInt(1));
        out.put("name", a.path("name").asText());
        out.put("description", a.path("description").isTextual() && !a.get("description").asText().isEmpty()
                ? a.get("description").asText() : null);
        out.set("created_at", a.get("created_at"));
        out.set("updated_at", a.has("updated_at") ? a.get("updated_at") : a.get("created_at"));
        return out;
    }

    /** An assistant version as LangGraph lists them. */
    public static ObjectNode assistantVersion(JsonNode v, String graphId) {
        var out = JSON.objectNode();
        out.put("assistant_id", v.get("assistant_id").asText());
        out.put("graph_id", v.path("flow").path("name").asText(graphId));
        out.set("config", v.path("config").isObject() ? v.get("config") : JSON.objectNode());
        out.set("context", JSON.objectNode());
        out.set("metadata", v.path("metadata").isObject() ? v.get("metadata") : JSON.objectNode());
        out.put("version", v.path("version").asInt());
        out.put("name", v.path("name").asText());
        out.set("created_at", v.get("created_at"));
        return out;
    }

    /**
     * A thread: the session, its status as LangGraph names it (interrupted while its latest run waits for a
     * person), and the values of its latest checkpoint (an empty object before its first run).
     */
    public static ObjectNode thread(JsonNode session, JsonNode latestRun, JsonNode values) {
        var out = JSON.objectNode();
        out.put("thread_id", session.get("id").asText());
        out.set("created_at", session.get("created_at"));
        out.set("updated_at", session.get("updated_at"));
        out.set("metadata", session.path("metadata").isObject() ? session.get("metadata") : JSON.objectNode());
        out.put("status", threadStatus(session, latestRun));
        out.set("config", JSON.objectNode());
        out.set("values", values == null ? JSON.objectNode() : values);
        var interrupts = out.putObject("interrupts");
        if (latestRun != null && latestRun.path("interrupt").isObject()) {
            interrupts.set(taskId(latestRun), interrupts(latestRun));
        }
        return out;
    }

    public static String threadStatus(JsonNode session, JsonNode latestRun) {
        if (latestRun != null && latestRun.path("status").asText().equals("interrupted")) {
            return "interrupted";
        }
        return session.path("status").asText("idle");
    }

    public static ObjectNode run(JsonNode run) {
        var out = JSON.objectNode();
        out.put("run_id", run.get("id").asText());
        out.put("thread_id", run.get("session_id").asText());
        out.put("assistant_id", run.get("assistant_id").asText());
        out.set("created_at", run.get("created_at"));
        var updated = run.path("finished_at").isTextual() ? run.get("finished_at")
                : run.path("started_at").isTextual() ? run.get("started_at") : run.get("created_at");
        out.set("updated_at", updated);
        out.put("status", runStatus(run.get("status").asText()));
        out.set("metadata", JSON.objectNode());
        var kwargs = out.putObject("kwargs");
        kwargs.set("input", run.get("input"));
        var overrides = run.path("overrides");
        for (String list : new String[] { "interrupt_before", "interrupt_after" }) {
            if (overrides.has(list)) {
                kwargs.set(list, overrides.get(list));
            }
        }
        out.put("multitask_strategy", run.path("multitask_strategy").asText("enqueue"));
        return out;
    }

    /**
     * A checkpoint's state as LangGraph values: the run's input, every executor's output by id, and the conversation
     * as LangChain messages (the input's own {@code messages} when it has them, else the input as one human
     * message; then one AI message per executor that ran, in order).
     */
    public static ObjectNode values(String runId, JsonNode state) {
        var out = JSON.objectNode();
        var input = state.path("input");
        out.set("input", input.isMissingNode() ? JSON.nullNode() : input);
        var outputs = state.path("outputs").isObject() ? (ObjectNode) state.get("outputs") : JSON.objectNode();
        out.set("outputs", outputs);
        var messages = out.putArray("messages");
        if (input.path("messages").isArray()) {
            int i = 0;
            for (JsonNode m : input.get("messages")) {
                messages.add(inputMessage(m, runId + ":input:" + i++));
            }
        } else if (!input.isMissingNode() && !input.isNull()) {
            messages.add(message("human", JsonValues.text(input), runId + ":input", null));
        }
        for (JsonNode executor : state.path("trace")) {
            var output = outputs.get(executor.asText());
            if (output != null) {
                messages.add(message("ai", JsonValues.text(output), messageId(runId, executor.asText()),
                        executor.asText()));
            }
        }
        return out;
    }

    public static String messageId(String runId, String executor) {
        return runId + ":" + executor;
    }

    public static ObjectNode message(String type, String content, String id, String name) {
        var m = JSON.objectNode().put("type", type).put("content", content).put("id", id);
        if (name != null) {
            m.put("name", name);
        }
        return m;
    }

    /** A message of the input as LangChain's serialisation names it ("role": "user" → "type": "human"). */
    private static ObjectNode inputMessage(JsonNode m, String id) {
        if (!m.isObject()) {
            return message("human", JsonValues.text(m), id, null);
        }
        var copy = ((ObjectNode) m).deepCopy();
        if (!copy.has("type")) {
            String role = copy.path("role").asText("human");
            copy.put("type", switch (role) {
                case "user", "human" -> "human";
                case "assistant", "ai" -> "ai";
                default -> role;
            });
        }
        if (!copy.has("id")) {
            copy.put("id", id);
        }
        return copy;
    }

    /** The executors a checkpoint's state will run next: pending, with a message waiting for them. */
    public static ArrayNode next(JsonNode state) {
        var out = JSON.arrayNode();
        var inbox = state.path("inbox");
        state.path("status").fields().forEachRemaining(e -> {
            if (e.getValue().asText().equals("pending") && inbox.path(e.getKey()).size() > 0) {
                out.add(e.getKey());
            }
        });
        return out;
    }

    /** The id of a waiting run's task: the run and the step it waits at. */
    public static String taskId(JsonNode run) {
        return run.get("id").asText() + ":" + run.path("interrupt").path("step").asInt();
    }

    /** A waiting run's question as LangGraph interrupts: {@code [{value, id}]}; empty while it does not wait. */
    public static ArrayNode interrupts(JsonNode run) {
        var out = JSON.arrayNode();
        var interrupt = run.path("interrupt");
        if (interrupt.isObject()) {
            var value = JSON.objectNode();
            value.put("kind", interrupt.path("kind").asText());
            value.put("executor", interrupt.path("executor").asText());
            value.set("question", interrupt.path("question"));
            value.set("schema", interrupt.path("schema"));
            out.addObject().<ObjectNode>set("value", value).put("id", taskId(run));
        }
        return out;
    }

    /** A thread's state at one checkpoint: values, next, checkpoint, metadata, parent, tasks, interrupts. */
    public static ObjectNode state(String threadId, JsonNode run, JsonNode checkpoint, JsonNode parent,
            boolean latest) {
        var state = checkpoint.get("state");
        var runId = run.get("id").asText();
        var out = JSON.objectNode();
        out.set("values", values(runId, state));
        var next = next(state);
        out.set("next", next);
        out.set("checkpoint", checkpointRef(threadId, checkpoint));
        var metadata = out.putObject("metadata");
        metadata.put("step", checkpoint.get("step_index").asInt());
        metadata.put("source", checkpoint.get("step_index").asInt() == 0 ? "input" : "loop");
        metadata.put("run_id", runId);
        metadata.put("assistant_id", run.get("assistant_id").asText());
        metadata.put("graph_id", run.path("flow").path("name").asText());
        out.set("created_at", checkpoint.get("created_at"));
        out.set("parent_checkpoint", parent == null ? JSON.nullNode() : checkpointRef(threadId, parent));
        var waiting = latest && run.path("interrupt").isObject();
        var interrupts = waiting ? interrupts(run) : JSON.arrayNode();
        var tasks = out.putArray("tasks");
        for (JsonNode executor : next) {
            var task = tasks.addObject();
            task.put("id", runId + ":" + (checkpoint.get("step_index").asInt() + 1) + ":" + executor.asText());
            task.put("name", executor.asText());
            task.putNull("error");
            task.set("interrupts", waiting && run.path("interrupt").path("executor").asText()
                    .equals(executor.asText()) ? interrupts : JSON.arrayNode());
            task.putNull("checkpoint");
            task.putNull("state");
        }
        out.set("interrupts", interrupts);
        return out;
    }

    public static ObjectNode checkpointRef(String threadId, JsonNode checkpoint) {
        return JSON.objectNode().put("thread_id", threadId).put("checkpoint_ns", "")
                .put("checkpoint_id", checkpoint.get("id").asText()).putNull("checkpoint_map");
    }
}
