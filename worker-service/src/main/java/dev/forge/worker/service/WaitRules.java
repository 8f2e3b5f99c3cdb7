package dev.forge.worker.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.flow.ExecutorType;

/**
 * Human in the loop as pure functions of a run's state: when a run stops for a person (before or after an executor
 * with interrupt flags, at a human executor), what it asks, and how a person's answer — a value, a state edit, a
 * goto — or the question's timeout changes the state before the run goes on. The Coordinator writes and parks.
 */
final class WaitRules {

    static final String BEFORE = "before";
    static final String AFTER = "after";
    static final String HUMAN = "human";
    /** The sender of the message a goto hands to its executor. */
    static final String HUMAN_SENDER = "__human__";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WaitRules() {
    }

    /** Whether the run stops before running {@code next}: a human executor always asks; interrupt_before once. */
    static boolean stopsBefore(ExecutorSpec next, RunState state) {
        if (next == null) {
            return false;
        }
        if (next.type() == ExecutorType.HUMAN) {
            return !state.answers.containsKey(next.id());
        }
        return next.interrupts().before() && !next.id().equals(state.approved);
    }

    /** The question before {@code next} runs (a human executor's, rendered; else a go-ahead). */
    static RunState.Interrupt before(ExecutorSpec next, List<RunState.Message> inbox, RunState state, Instant now) {
        if (next.type() != ExecutorType.HUMAN) {
            return new RunState.Interrupt(BEFORE, next.id(), "Run '" + next.id() + "'?", null, null, null,
                    now.toString(), state.stepIndex + 1);
        }
        var human = next.human();
        String question = StepTemplates.render(human.question(), StepTemplates.templateContext(next, inbox, state));
        Instant deadline = next.timeout() == null ? null : now.plus(next.timeout());
        return new RunState.Interrupt(HUMAN, next.id(), question, human.answerSchema(),
                deadline == null ? null : deadline.toString(), human.onTimeout(), now.toString(),
                state.stepIndex + 1);
    }

    /** The go-ahead asked after {@code done} ran (its checkpoint carries it). */
    static RunState.Interrupt after(ExecutorSpec done, RunState state, Instant now) {
        return new RunState.Interrupt(AFTER, done.id(), "'" + done.id() + "' finished; continue?", null, null, null,
                now.toString(), state.stepIndex);
    }

    /** The question as the API, the event and the runs row show it. */
    static ObjectNode view(RunState.Interrupt interrupt) {
        var view = NODES.objectNode().put("kind", interrupt.kind()).put("executor", interrupt.executor())
                .put("question", interrupt.question()).put("step", interrupt.step())
                .put("since", interrupt.since()).put("deadline", interrupt.deadline())
                .put("on_timeout", interrupt.onTimeout());
        view.set("schema", interrupt.schema());
        return view;
    }

    /** When the parked job should wake on its own: the question's deadline, or never. */
    static Instant wakeAt(RunState.Interrupt interrupt) {
        return interrupt.deadline() == null ? null : Instant.parse(interrupt.deadline());
    }

    static boolean expired(RunState.Interrupt interrupt, Instant now) {
        return interrupt.deadline() != null && !now.isBefore(Instant.parse(interrupt.deadline()));
    }

    /**
     * Applies a person's answer to the state of a waiting run — {@code {"value", "state": {"input", "outputs"},
     * "goto"}}, checked by the gateway — and returns what the resume checkpoint records of it.
     */
    static Map<String, Object> resume(RunState state, JsonNode command, Topology topology, Instant now) {
        var interrupt = state.interrupt;
        JsonNode value = command.get("value");
        JsonNode edit = command.get("state");
        String target = command.path("goto").isTextual() ? command.get("goto").asText() : null;
        state.interrupt = null;
        state.waitedMillis += waited(interrupt, now);
        if (edit != null && edit.isObject()) {
            applyEdit(state, (ObjectNode) edit);
        }
        if (target != null) {
            jump(state, interrupt, target, value, topology);
        } else if (interrupt.kind().equals(HUMAN)) {
            state.answers.put(interrupt.executor(), new RunState.Answer(value == null ? NODES.nullNode() : value,
                    false));
        } else if (interrupt.kind().equals(BEFORE)) {
            state.approved = interrupt.executor();
        }
        var record = new LinkedHashMap<String, Object>();
        record.put("kind", "resume");
        record.put("interrupt", interrupt.kind());
        record.put("waited_on", interrupt.executor());
        record.put("value", value);
        if (edit != null && !edit.isNull()) {
            record.put("state_edit", edit);
        }
        if (target != null) {
            record.put("goto", target);
        }
        if (command.hasNonNull("by")) {
            record.put("by", command.get("by").asText());
        }
        return record;
    }

    /** Nobody answered a human executor in time: it completes timed out and routes to its on_timeout target. */
    static Map<String, Object> timeOut(RunState state, Instant now) {
        var interrupt = state.interrupt;
        state.interrupt = null;
        state.waitedMillis += waited(interrupt, now);
        state.answers.put(interrupt.executor(), new RunState.Answer(null, true));
        var record = new LinkedHashMap<String, Object>();
        record.put("kind", "interrupt_timeout");
        record.put("waited_on", interrupt.executor());
        record.put("on_timeout", interrupt.onTimeout());
        return record;
    }

    /** A human executor's result: its answer, to its targets; or a timeout, to its on_timeout target only. */
    static StepResult answered(ExecutorSpec spec, RunState state, Topology topology) {
        var answer = state.answers.get(spec.id());
        if (answer == null) {
            throw new IllegalStateException("human executor '" + spec.id() + "' ran without an answer");
        }
        var details = new LinkedHashMap<String, Object>();
        if (answer.timedOut()) {
            var output = NODES.objectNode().put("timed_out", true);
            details.put("timed_out", true);
            String target = spec.human().onTimeoutTarget();
            var emits = target == null ? List.<StepResult.Emit>of() : List.of(new StepResult.Emit(target, output));
            return new StepResult(output, emits, null, 0, 0, details);
        }
        String timeoutTarget = spec.human().onTimeoutTarget();
        var emits = topology.targets(spec.id()).stream()
                .filter(t -> !t.equals(timeoutTarget) || spec.outputTo().contains(t))
                .map(t -> new StepResult.Emit(t, answer.value())).toList();
        details.put("answered", true);
        return new StepResult(answer.value(), emits, null, 0, 0, details);
    }

    private static long waited(RunState.Interrupt interrupt, Instant now) {
        return Math.max(0, Duration.between(Instant.parse(interrupt.since()), now).toMillis());
    }

    /**
     * A state edit: {@code input} fields merged over the run's input, {@code outputs} replacing executors' outputs and
     * the messages they queued that no executor has handled yet.
     */
    private static void applyEdit(RunState state, ObjectNode edit) {
        var input = edit.get("input");
        if (input != null && input.isObject()) {
            var merged = state.input != null && state.input.isObject() ? ((ObjectNode) state.input).deepCopy()
                    : NODES.objectNode();
            merged.setAll(((ObjectNode) input).deepCopy());
            state.input = merged;
        }
        var outputs = edit.get("outputs");
        if (outputs != null && outputs.isObject()) {
            outputs.fields().forEachRemaining(e -> {
                state.outputs.put(e.getKey(), e.getValue().deepCopy());
                state.inbox.replaceAll((to, queue) -> new ArrayList<>(queue.stream()
                        .map(m -> m.from().equals(e.getKey())
                                ? new RunState.Message(m.from(), m.seq(), e.getValue().deepCopy()) : m)
                        .toList()));
            });
        }
    }

    /**
     * Goto: the run continues at {@code target} with one message from the person (the value, or the waiting
     * executor's output). The target and everything downstream of it run again; every other executor that has not
     * run is skipped, and queued messages are dropped.
     */
    private static void jump(RunState state, RunState.Interrupt interrupt, String target, JsonNode value,
            Topology topology) {
        var again = downstream(target, topology);
        if (interrupt.kind().equals(HUMAN) && !again.contains(interrupt.executor())) {
            // the question was answered: its executor is done with the answer as its output
            state.outputs.put(interrupt.executor(), value == null ? NODES.nullNode() : value);
            state.status.put(interrupt.executor(), RunState.STATUS_DONE);
            state.trace.add(interrupt.executor());
        }
        state.inbox.clear();
        for (var e : topology.flow().executors()) {
            if (again.contains(e.id())) {
                state.status.put(e.id(), RunState.STATUS_PENDING);
                state.answers.remove(e.id());
            } else if (RunState.STATUS_PENDING.equals(state.status.get(e.id()))) {
                state.status.put(e.id(), RunState.STATUS_SKIPPED);
            }
        }
        JsonNode payload = value != null && !value.isNull() ? value
                : state.outputs.getOrDefault(interrupt.executor(), state.input);
        state.inbox.put(target, new ArrayList<>(List.of(new RunState.Message(HUMAN_SENDER, ++state.edgeSeq,
                payload == null ? NODES.nullNode() : payload))));
        // the person sent the run there: it runs without asking again (a human executor still asks its question)
        state.approved = target;
    }

    private static Set<String> downstream(String from, Topology topology) {
        var seen = new HashSet<String>();
        var todo = new ArrayDeque<String>(List.of(from));
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (seen.add(id)) {
                todo.addAll(topology.targets(id));
            }
        }
        return seen;
    }
}
