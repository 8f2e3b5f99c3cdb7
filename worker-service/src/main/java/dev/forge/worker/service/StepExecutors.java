package dev.forge.worker.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.flow.CelConditions;
import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.flow.MergeStrategy;
import dev.forge.core.json.JsonValues;
import dev.forge.core.memory.MemoryService;
import dev.forge.core.tool.ToolException;
import dev.forge.worker.client.LlmRouter;
import dev.forge.worker.messaging.MessageDeltas;
import dev.forge.worker.repository.SignalStore;
import dev.forge.worker.repository.StepWrite;
import io.smallrye.mutiny.Uni;

/**
 * The executor types: llm ({@link LlmStep}), conditional, merge, send, wait and tool. Each turns the messages in its
 * inbox into a {@link StepResult}; templates are rendered by {@link StepTemplates}.
 */
final class StepExecutors {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    private static final long WAIT_POLL_MS = 1_000;

    private final LlmStep llm;
    private final SignalStore signals;
    private final ToolRegistry tools;

    StepExecutors(LlmRouter llms, SignalStore signals, ToolRegistry tools, MessageDeltas deltas,
            MemoryService memory) {
        this.llm = new LlmStep(llms, tools, deltas, memory);
        this.signals = signals;
        this.tools = tools;
    }

    /** Where a step runs: its run, session and workspace, the run's controls, and the run's deadline (or null). */
    record StepEnv(UUID runId, UUID sessionId, UUID assistantId, String workspace, RunControl control,
            Instant runDeadline) {
    }

    Uni<StepResult> execute(ExecutorSpec spec, List<RunState.Message> inbox, RunState state, Topology topology,
            Integer flowMaxTokens, StepEnv env) {
        return switch (spec.type()) {
            case LLM -> llm.run(spec, inbox, state, topology, flowMaxTokens, env);
            case CONDITIONAL -> Uni.createFrom().item(() -> conditional(spec, inbox, state));
            case MERGE -> Uni.createFrom().item(() -> merge(spec, inbox, topology));
            case SEND -> send(spec, inbox, state, topology, env);
            case WAIT -> awaitSignal(spec, topology, env, waitDeadline(spec, env));
            case TOOL -> tool(spec, inbox, state, topology, env);
            // reached only with its answer (or timeout) in the state: the Coordinator parks the run until then
            case HUMAN -> Uni.createFrom().item(() -> WaitRules.answered(spec, state, topology));
        };
    }

    /** How long a wait step may wait: its timeout (default 60 s), never past the run's deadline. */
    static Instant waitDeadline(ExecutorSpec spec, StepEnv env) {
        var own = Instant.now().plus(spec.timeout() != null ? spec.timeout() : DEFAULT_WAIT);
        return env.runDeadline() != null && env.runDeadline().isBefore(own) ? env.runDeadline() : own;
    }

    // --- send / wait: agent to agent --------------------------------------------------------------------------------

    private Uni<StepResult> send(ExecutorSpec spec, List<RunState.Message> inbox, RunState state, Topology topology,
            StepEnv env) {
        var context = StepTemplates.templateContext(spec, inbox, state);
        String rendered = StepTemplates.render(spec.toSession(), context).trim();
        UUID target;
        try {
            target = UUID.fromString(rendered);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new StepException("invalid_target", "to_session '" + spec.toSession()
                    + "' gave '" + rendered + "', which is not a session id", false, null));
        }
        JsonNode payload = spec.message() != null
                ? StepTemplates.parseOutput(StepTemplates.render(spec.message(), context))
                : inbox.isEmpty() ? state.input : inbox.get(inbox.size() - 1).payload();
        return signals.sessionExists(env.workspace(), target).map(exists -> {
            if (!exists) {
                throw new StepException("unknown_session", "session " + target + " does not exist in workspace "
                        + env.workspace(), false, null);
            }
            var output = NODES.objectNode().put("sent", true).put("to_session", target.toString())
                    .put("channel", spec.channel());
            var emits = topology.targets(spec.id()).stream().map(t -> new StepResult.Emit(t, output)).toList();
            return new StepResult(output, emits, null, 0, 0, Map.of("channel", spec.channel(), "to_session",
                    target.toString()), List.of(new StepWrite.OutgoingSignal(target,
                            spec.channel(), payload)), null);
        });
    }

    /**
     * Waits for a message on the channel to this run's session: looks, and if there is none waits for the control
     * exchange's nudge (or a second), until the deadline. The message is consumed in the step's commit, so a crash
     * before it leaves it for the resumed run. Output: {@code {received, message, from_run}} or {@code received:false}.
     */
    private Uni<StepResult> awaitSignal(ExecutorSpec spec, Topology topology, StepEnv env, Instant deadline) {
        var nudge = env.control().nextSignal();
        return signals.peek(env.workspace(), env.sessionId(), spec.channel()).flatMap(found -> {
            if (found.isPresent()) {
                var s = found.get();
                var output = NODES.objectNode().put("received", true).put("channel", spec.channel());
                output.set("message", s.payload());
                output.put("from_run", s.fromRun().toString()).put("from_executor", s.fromExecutor());
                var emits = topology.targets(spec.id()).stream().map(t -> new StepResult.Emit(t, output)).toList();
                return Uni.createFrom().item(new StepResult(output, emits, null, 0, 0,
                        Map.of("channel", spec.channel(), "signal", s.id()), List.of(), s.id()));
            }
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                var output = NODES.objectNode().put("received", false).put("channel", spec.channel());
                var emits = topology.targets(spec.id()).stream().map(t -> new StepResult.Emit(t, output)).toList();
                return Uni.createFrom().item(new StepResult(output, emits, null, 0, 0,
                        Map.of("channel", spec.channel(), "timed_out", true)));
            }
            return Uni.createFrom().completionStage(() -> nudge.thenApply(x -> x))
                    .ifNoItem().after(Duration.ofMillis(Math.min(WAIT_POLL_MS, left))).recoverWithItem((Void) null)
                    .flatMap(x -> awaitSignal(spec, topology, env, deadline));
        });
    }

    // --- tool -----------------------------------------------------------------------------------------------------

    /** Calls the executor's tool with its arguments, templates rendered; the tool's result is the output. */
    private Uni<StepResult> tool(ExecutorSpec spec, List<RunState.Message> inbox, RunState state, Topology topology,
            StepEnv env) {
        String name = spec.tools().get(0);
        var context = StepTemplates.templateContext(spec, inbox, state);
        JsonNode arguments = StepTemplates.renderValues(JsonValues.MAPPER.valueToTree(spec.parameters()), context);
        return tools.call(env.workspace(), name, arguments)
                .onFailure(ToolException.class).transform(e -> toolFailure((ToolException) e))
                .map(result -> {
                    var details = new LinkedHashMap<String, Object>();
                    details.put("tool", name);
                    details.put("cached", result.cached());
                    var emits = topology.targets(spec.id()).stream()
                            .map(t -> new StepResult.Emit(t, result.value())).toList();
                    return new StepResult(result.value(), emits, null, 0, 0, details);
                });
    }

    static StepException toolFailure(ToolException e) {
        return new StepException("tool_" + e.kind().name().toLowerCase(Locale.ROOT), e.getMessage(),
                e.retryable(), e);
    }

    // --- conditional ----------------------------------------------------------------------------------------------

    private StepResult conditional(ExecutorSpec spec, List<RunState.Message> inbox, RunState state) {
        Object input = JsonValues.toCel(state.input);
        Object outputs = JsonValues.toCel(JsonValues.MAPPER.valueToTree(state.outputs));
        var emits = new ArrayList<StepResult.Emit>();
        var decisions = NODES.arrayNode();
        var errors = new ArrayList<String>();
        for (var message : inbox) {
            Object output = JsonValues.toCel(message.payload());
            String target = spec.defaultTarget();
            String chosen = "default";
            for (var route : spec.routes()) {
                boolean matched;
                try {
                    matched = CelConditions.evaluate(route.condition(), output, input, outputs);
                } catch (CelConditions.ConditionException e) {
                    // a condition that cannot be evaluated on this message (e.g. a missing field) does not match
                    errors.add(e.getMessage());
                    matched = false;
                }
                if (matched) {
                    target = route.target();
                    chosen = route.condition();
                    break;
                }
            }
            emits.add(new StepResult.Emit(target, message.payload()));
            decisions.addObject().put("from", message.from()).put("condition", chosen).put("target", target);
        }
        var output = NODES.objectNode();
        output.set("routes", decisions);
        var details = new LinkedHashMap<String, Object>();
        if (!errors.isEmpty()) {
            details.put("condition_errors", errors);
        }
        return new StepResult(output, emits, null, 0, 0, details);
    }

    // --- merge ----------------------------------------------------------------------------------------------------

    private StepResult merge(ExecutorSpec spec, List<RunState.Message> inbox, Topology topology) {
        var strategy = spec.strategy() == null ? MergeStrategy.CONCATENATE : spec.strategy();
        JsonNode output = switch (strategy) {
            case FIRST -> inbox.get(0).payload();
            case CONCATENATE -> NODES.textNode(String.join("\n\n",
                    inbox.stream().map(m -> JsonValues.text(m.payload())).toList()));
            case JSON_MERGE -> {
                var merged = NODES.objectNode();
                for (var m : inbox) {
                    if (m.payload().isObject()) {
                        deepMerge(merged, (ObjectNode) m.payload());
                    } else {
                        merged.set(m.from(), m.payload());
                    }
                }
                yield merged;
            }
        };
        var emits = topology.targets(spec.id()).stream().map(t -> new StepResult.Emit(t, output)).toList();
        Map<String, Object> details = Map.of("strategy", strategy.yamlName(), "inputs",
                inbox.stream().map(RunState.Message::from).toList());
        return new StepResult(output, emits, null, 0, 0, details);
    }

    private static void deepMerge(ObjectNode into, ObjectNode from) {
        from.fields().forEachRemaining(e -> {
            var existing = into.get(e.getKey());
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode fo) {
                deepMerge(eo, fo);
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }
}
