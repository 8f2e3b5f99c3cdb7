package dev.forge.gateway.service.langgraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.gateway.service.RunEvent;
import dev.forge.gateway.service.RunStreamService;
import io.smallrye.mutiny.Uni;

/**
 * One LangGraph stream of one run: turns the run's Forge events into the chunks LangGraph clients parse, for the
 * stream modes asked for. Stateful (a streamed message's text so far), so one instance per stream. A chunk from a
 * stored event carries its id, so a client reconnecting with Last-Event-ID continues after it.
 */
public final class LangGraphChunks {

    public static final Set<String> MODES = Set.of("values", "updates", "messages", "messages-tuple", "events",
            "debug");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** One server-sent event: id (null for chunks of unstored token deltas), event name, JSON data. */
    public record Chunk(String id, String event, JsonNode data) {
    }

    /** Reads a run's state after a step (its checkpoint): needed by values, updates and debug chunks. */
    public interface States {
        Uni<JsonNode> at(int step);
    }

    private final String runId;
    private final String threadId;
    private final Set<String> modes;
    private final States states;
    /** Text streamed so far per message id (messages mode sends the whole text so far). */
    private final Map<String, StringBuilder> partial = new HashMap<>();
    private boolean ended;

    public LangGraphChunks(String runId, String threadId, Set<String> modes, States states) {
        this.runId = runId;
        this.threadId = threadId;
        this.modes = modes;
        this.states = states;
    }

    public ObjectNode metadata() {
        return JSON.objectNode().put("run_id", runId).put("thread_id", threadId).put("attempt", 1);
    }

    /** True once the run ended or stopped to wait: the stream ends after the chunks of that event. */
    public boolean ended() {
        return ended;
    }

    public Uni<List<Chunk>> of(RunEvent event) {
        String id = event.id() > 0 ? Long.toString(event.id()) : null;
        var p = event.payload();
        return switch (event.type()) {
            case "run.started" -> p.has("from_step") ? none() : states.at(0).map(state -> {
                var out = new ArrayList<Chunk>();
                if (modes.contains("values")) {
                    out.add(new Chunk(id, "values", LangGraphViews.values(runId, state)));
                }
                return out;
            });
            case "step.started" -> Uni.createFrom().item(() -> {
                var out = new ArrayList<Chunk>();
                String executor = p.path("executor").asText();
                int step = p.path("step").asInt();
                if (modes.contains("events")) {
                    out.add(new Chunk(id, "events", JSON.objectNode().put("event", "on_chain_start")
                            .put("name", executor).put("run_id", runId + ":" + step).<ObjectNode>set("tags",
                                    JSON.arrayNode().add("graph:step:" + step)).<ObjectNode>set("metadata",
                                            nodeMetadata(executor, step)).set("data", JSON.objectNode())));
                }
                if (modes.contains("debug")) {
                    var task = JSON.objectNode().put("id", runId + ":" + step + ":" + executor).put("name", executor);
                    task.putArray("triggers").add("branch:to:" + executor);
                    out.add(new Chunk(id, "debug", debug("task", step, event.createdAt(), task)));
                }
                return out;
            });
            case "step.completed" -> stepCompleted(id, event);
            case RunStreamService.DELTA -> Uni.createFrom().item(() -> delta(p));
            case "message" -> Uni.createFrom().item(() -> message(id, p));
            case "run.interrupted" -> {
                ended = true;
                yield interrupted(id, p);
            }
            case "run.failed", "run.timed_out" -> {
                ended = true;
                var error = p.path("error");
                String message = error.path("message").asText(error.isTextual() ? error.asText()
                        : event.type().equals("run.timed_out") ? "the run timed out" : "the run failed");
                yield Uni.createFrom().item(List.of(new Chunk(id, "error", JSON.objectNode()
                        .put("error", event.type().equals("run.timed_out") ? "TimeoutError" : "RunError")
                        .put("message", message))));
            }
            case "run.succeeded", "run.cancelled" -> {
                ended = true;
                yield none();
            }
            default -> none();
        };
    }

    private static Uni<List<Chunk>> none() {
        return Uni.createFrom().item(List.of());
    }

    private ObjectNode nodeMetadata(String executor, int step) {
        return JSON.objectNode().put("langgraph_node", executor).put("langgraph_step", step).put("run_id", runId)
                .put("thread_id", threadId);
    }

    private static ObjectNode debug(String type, int step, String timestamp, ObjectNode payload) {
        return JSON.objectNode().put("type", type).put("timestamp", timestamp).put("step", step)
                .set("payload", payload);
    }

    private Uni<List<Chunk>> stepCompleted(String id, RunEvent event) {
        var p = event.payload();
        String executor = p.path("executor").asText();
        int step = p.path("step").asInt();
        if (!modes.contains("values") && !modes.contains("updates") && !modes.contains("debug")
                && !modes.contains("events")) {
            return none();
        }
        return states.at(step).map(state -> {
            var out = new ArrayList<Chunk>();
            var output = state.path("outputs").path(executor);
            if (modes.contains("updates")) {
                out.add(new Chunk(id, "updates", JSON.objectNode().set(executor, output)));
            }
            if (modes.contains("values")) {
                out.add(new Chunk(id, "values", LangGraphViews.values(runId, state)));
            }
            if (modes.contains("events")) {
                out.add(new Chunk(id, "events", JSON.objectNode().put("event", "on_chain_end").put("name", executor)
                        .put("run_id", runId + ":" + step).<ObjectNode>set("metadata", nodeMetadata(executor, step))
                        .set("data", JSON.objectNode().set("output", output))));
            }
            if (modes.contains("debug")) {
                var result = JSON.objectNode().put("id", runId + ":" + step + ":" + executor).put("name", executor);
                result.putNull("error");
                result.putArray("result").addArray().add(executor).add(output);
                result.putArray("interrupts");
                out.add(new Chunk(id, "debug", debug("task_result", step, event.createdAt(), result)));
                var checkpoint = JSON.objectNode();
                checkpoint.putObject("config").putObject("configurable").put("thread_id", threadId)
                        .put("checkpoint_ns", "");
                checkpoint.set("values", LangGraphViews.values(runId, state));
                checkpoint.set("next", LangGraphViews.next(state));
                checkpoint.set("metadata", JSON.objectNode().put("step", step).put("source", "loop")
                        .put("run_id", runId));
                out.add(new Chunk(id, "debug", debug("checkpoint", step, event.createdAt(), checkpoint)));
            }
            return out;
        });
    }

    /** A token delta: messages-tuple gets the chunk, messages the message so far, events a model stream event. */
    private List<Chunk> delta(ObjectNode p) {
        var out = new ArrayList<Chunk>();
        String executor = p.path("executor").asText();
        String messageId = LangGraphViews.messageId(runId, executor);
        String text = p.path("delta").asText();
        var sofar = partial.computeIfAbsent(messageId, k -> new StringBuilder()).append(text);
        if (modes.contains("messages-tuple")) {
            out.add(new Chunk(null, "messages", JSON.arrayNode()
                    .add(LangGraphViews.message("AIMessageChunk", text, messageId, executor))
                    .add(nodeMetadata(executor, p.path("step").asInt()))));
        }
        if (modes.contains("messages")) {
            out.add(new Chunk(null, "messages/partial", JSON.arrayNode()
                    .add(LangGraphViews.message("ai", sofar.toString(), messageId, executor))));
        }
        if (modes.contains("events")) {
            out.add(new Chunk(null, "events", JSON.objectNode().put("event", "on_chat_model_stream")
                    .put("name", executor).<ObjectNode>set("metadata", nodeMetadata(executor, p.path("step").asInt()))
                    .set("data", JSON.objectNode().set("chunk", LangGraphViews.message("AIMessageChunk", text,
                            messageId, executor)))));
        }
        return out;
    }

    /** A step's whole message (stored): completes it; a message that streamed no deltas is sent whole. */
    private List<Chunk> message(String id, ObjectNode p) {
        var out = new ArrayList<Chunk>();
        String executor = p.path("executor").asText();
        String messageId = LangGraphViews.messageId(runId, executor);
        String text = p.path("text").asText();
        var message = LangGraphViews.message("ai", text, messageId, executor);
        boolean streamed = partial.remove(messageId) != null;
        if (modes.contains("messages-tuple") && !streamed) {
            out.add(new Chunk(id, "messages", JSON.arrayNode().add(message).add(nodeMetadata(executor, 0))));
        }
        if (modes.contains("messages")) {
            if (!streamed) {
                out.add(new Chunk(id, "messages/metadata", JSON.objectNode().set(messageId,
                        JSON.objectNode().set("metadata", nodeMetadata(executor, 0)))));
            }
            out.add(new Chunk(id, "messages/complete", JSON.arrayNode().add(message)));
        }
        return out;
    }

    /** The run stops for a person: LangGraph's __interrupt__ in values and updates, then the stream ends. */
    private Uni<List<Chunk>> interrupted(String id, ObjectNode interrupt) {
        var waiting = JSON.objectNode().put("id", runId);
        waiting.set("interrupt", interrupt);
        var interrupts = LangGraphViews.interrupts(waiting);
        int step = interrupt.path("step").asInt();
        Uni<JsonNode> state = modes.contains("values") ? states.at(step) : Uni.createFrom().nullItem();
        return state.map(s -> {
            var out = new ArrayList<Chunk>();
            if (modes.contains("updates")) {
                out.add(new Chunk(id, "updates", JSON.objectNode().set("__interrupt__", interrupts)));
            }
            if (modes.contains("values")) {
                var values = LangGraphViews.values(runId, s);
                values.set("__interrupt__", interrupts);
                out.add(new Chunk(id, "values", values));
            }
            return out;
        });
    }
}
