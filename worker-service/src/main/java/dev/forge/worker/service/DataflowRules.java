package dev.forge.worker.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.worker.repository.RunRecord;

/**
 * The dataflow rules of a run, as pure functions of its state and its flow: where a run starts, which executor runs
 * next, which can never run, and what the run's output is. The Coordinator applies them; nothing here does I/O.
 */
final class DataflowRules {

    private DataflowRules() {
    }

    /** A fresh run's state: every executor pending, the input queued for the entry executor. */
    static RunState initialState(RunRecord run, FlowBlueprint flow) {
        var state = new RunState();
        state.flow = flow.name();
        state.flowVersion = flow.version();
        state.routingPolicy = flow.routingPolicy().yamlName();
        state.input = run.input();
        run.artifacts().forEach(a -> state.artifacts.add(new RunState.Attachment(a.id(), a.name(), a.contentType(),
                a.sizeBytes(), a.sha256())));
        flow.executors().forEach(e -> state.status.put(e.id(), RunState.STATUS_PENDING));
        state.inbox.put(flow.entry().id(),
                new ArrayList<>(List.of(new RunState.Message(RunState.INPUT_SENDER, 0, run.input()))));
        return state;
    }

    /** The first executor in listed order whose senders have all settled and that has a message to handle. */
    static ExecutorSpec next(RunState state, FlowBlueprint flow, Topology topology) {
        for (var e : flow.executors()) {
            if (!RunState.STATUS_PENDING.equals(state.status.get(e.id()))) {
                continue;
            }
            if (state.inbox.getOrDefault(e.id(), List.of()).isEmpty()) {
                continue;
            }
            if (topology.predecessors(e.id()).stream().allMatch(p -> settled(state, p))) {
                return e;
            }
        }
        return null;
    }

    /**
     * A pending executor whose senders have all settled without sending it anything can never run: mark it skipped,
     * so merges downstream stop waiting for it (a route not taken never blocks a merge).
     */
    static void propagateSkips(RunState state, Topology topology) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var e : topology.flow().executors()) {
                var preds = topology.predecessors(e.id());
                if (preds.isEmpty() || !RunState.STATUS_PENDING.equals(state.status.get(e.id()))
                        || !state.inbox.getOrDefault(e.id(), List.of()).isEmpty()) {
                    continue;
                }
                if (preds.stream().allMatch(p -> settled(state, p))) {
                    state.status.put(e.id(), RunState.STATUS_SKIPPED);
                    changed = true;
                }
            }
        }
    }

    private static boolean settled(RunState state, String id) {
        var s = state.status.get(id);
        return RunState.STATUS_DONE.equals(s) || RunState.STATUS_SKIPPED.equals(s);
    }

    /** The output of the sink that ran; several sinks give an object keyed by executor id. */
    static JsonNode runOutput(RunState state, Topology topology) {
        Map<String, JsonNode> sinks = new LinkedHashMap<>();
        for (var id : state.trace) {
            if (topology.isSink(id)) {
                sinks.put(id, state.outputs.get(id));
            }
        }
        if (sinks.size() == 1) {
            return sinks.values().iterator().next();
        }
        var out = JsonNodeFactory.instance.objectNode();
        sinks.forEach(out::set);
        return out;
    }

    /** When a run started at {@code started} times out; null when its flow sets no timeout. */
    static Instant deadline(FlowBlueprint flow, Instant started) {
        return flow.timeout() == null ? null : started.plus(flow.timeout());
    }
}
