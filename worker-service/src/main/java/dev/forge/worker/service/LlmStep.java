package dev.forge.worker.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.flow.MemorySpec;
import dev.forge.core.json.JsonValues;
import dev.forge.core.memory.MemoryFilter;
import dev.forge.core.memory.MemoryHit;
import dev.forge.core.memory.MemoryService;
import dev.forge.core.tool.ToolException;
import dev.forge.core.tool.ToolSpec;
import dev.forge.worker.client.LlmException;
import dev.forge.worker.client.LlmProvider;
import dev.forge.worker.client.LlmRequest;
import dev.forge.worker.client.LlmResponse;
import dev.forge.worker.client.LlmRouter;
import dev.forge.worker.client.ToolCall;
import dev.forge.worker.client.ToolExchange;
import dev.forge.worker.messaging.MessageDeltas;
import io.smallrye.mutiny.Uni;

/**
 * The llm executor: recalls the executor's memories into its prompt, runs the model with the executor's tools through
 * the tool-call loop, streams token deltas as they come, and stores the output as a memory when asked to.
 */
final class LlmStep {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** How long a step waits for its last token delta to leave before it commits. */
    private static final Duration DELTA_FLUSH = Duration.ofMillis(500);

    private final LlmRouter llms;
    private final ToolRegistry tools;
    private final MessageDeltas deltas;
    private final MemoryService memory;

    LlmStep(LlmRouter llms, ToolRegistry tools, MessageDeltas deltas, MemoryService memory) {
        this.llms = llms;
        this.tools = tools;
        this.deltas = deltas;
        this.memory = memory;
    }

    Uni<StepResult> run(ExecutorSpec spec, List<RunState.Message> inbox, RunState state, Topology topology,
            Integer flowMaxTokens, StepExecutors.StepEnv env) {
        Integer maxTokens = spec.maxTokens() != null ? spec.maxTokens() : flowMaxTokens;
        var recalled = new ArrayList<MemoryHit>();
        // the executor's tools (flow, run overrides, skill, MCP) that the registry knows are offered to the model
        String prompt = StepTemplates.prompt(spec, inbox, state);
        return recall(spec, prompt, env, recalled).flatMap(withMemories -> tools.specs(env.workspace(),
                spec.tools()).flatMap(offered -> {
            var request = new LlmRequest(spec.model(), spec.id(), withMemories, maxTokens, spec.tools(),
                    spec.parameters(), offered, List.of());
            var provider = llms.forModel(spec.model()).orElse(null);
            if (provider == null) {
                // validation refuses such flows; a worker configured differently from the gateway still fails cleanly
                return Uni.createFrom().failure(new StepException("model_unroutable", "no provider serves model '"
                        + spec.model() + "' on this worker", false, null));
            }
            // deltas as the model writes: numbered across the step's turns, for the step this message will commit as
            var seq = new AtomicInteger();
            int step = state.stepIndex + 1;
            var lastDelta = new AtomicReference<CompletionStage<Void>>(
                    CompletableFuture.completedFuture(null));
            Consumer<String> onDelta = text -> lastDelta.set(deltas.publish(env.runId(),
                    env.workspace(), spec.id(), step, seq.incrementAndGet(), text));
            var conversation = new Conversation(provider, offered.stream().map(ToolSpec::name).toList(), onDelta,
                    env.workspace());
            // the last delta out before the step commits (bounded: deltas are best effort)
            return converse(spec, conversation, request, topology, maxTokens)
                    .call(() -> Uni.createFrom().completionStage(lastDelta.get()).ifNoItem()
                            .after(DELTA_FLUSH).recoverWithItem(() -> null))
                    .flatMap(result -> remember(spec, result, env, step, recalled));
        }));
    }

    // --- long-term memory -----------------------------------------------------------------------------------------

    /** The prompt with the executor's top-k memories before it, when it recalls any. */
    private Uni<String> recall(ExecutorSpec spec, String prompt, StepExecutors.StepEnv env, List<MemoryHit> recalled) {
        if (spec.memory() == null || spec.memory().recall() == 0) {
            return Uni.createFrom().item(prompt);
        }
        return memory.recall(env.workspace(), prompt, namespace(spec.memory(), env), spec.memory().recall())
                .onFailure().transform(e -> new StepException("memory_error", "recalling memories failed: "
                        + e.getMessage(), true, e))
                .map(hits -> {
                    recalled.addAll(hits);
                    if (hits.isEmpty()) {
                        return prompt;
                    }
                    var withMemories = new StringBuilder("Relevant memories (most relevant first):\n");
                    hits.forEach(h -> withMemories.append("- ").append(h.memory().content()).append('\n'));
                    return withMemories.append('\n').append(prompt).toString();
                });
    }

    /**
     * Stores the step's output when the executor asks to, under an id made from run, executor and step: a retried
     * or re-executed step remembers once.
     */
    private Uni<StepResult> remember(ExecutorSpec spec, StepResult result, StepExecutors.StepEnv env, int step,
            List<MemoryHit> recalled) {
        if (spec.memory() == null) {
            return Uni.createFrom().item(result);
        }
        var details = new LinkedHashMap<>(result.details());
        if (spec.memory().recall() > 0) {
            details.put("memories_recalled", recalled.stream().map(h -> h.memory().id().toString()).toList());
        }
        String text = result.assistantText() != null ? result.assistantText() : JsonValues.text(result.output());
        if (!spec.memory().storeOutput() || text == null || text.isBlank()) {
            return Uni.createFrom().item(result.withDetails(details));
        }
        var id = UUID.nameUUIDFromBytes((env.runId() + "/" + spec.id() + "/" + step)
                .getBytes(StandardCharsets.UTF_8));
        var namespace = namespace(spec.memory(), env);
        var metadata = NODES.objectNode().put("run_id", env.runId().toString()).put("executor", spec.id())
                .put("step", step);
        String content = text.length() > memory.maxContentChars() ? text.substring(0, memory.maxContentChars())
                : text;
        return memory.remember(id, env.workspace(), namespace.assistantId(), namespace.sessionId(), content, metadata,
                null)
                .onFailure().transform(e -> new StepException("memory_error", "storing the output as a memory "
                        + "failed: " + e.getMessage(), true, e))
                .map(stored -> {
                    details.put("memory_stored", stored.id().toString());
                    return result.withDetails(details);
                });
    }

    /** The namespace of the executor's scope: the run's assistant, its assistant and session, or the workspace. */
    private static MemoryFilter namespace(MemorySpec spec, StepExecutors.StepEnv env) {
        return switch (spec.scope()) {
            case "session" -> new MemoryFilter(env.assistantId().toString(), env.sessionId().toString());
            case "workspace" -> MemoryFilter.ANY;
            default -> new MemoryFilter(env.assistantId().toString(), null);
        };
    }

    private Uni<StepResult> converse(ExecutorSpec spec, Conversation conversation, LlmRequest request,
            Topology topology, Integer maxTokens) {
        return conversation.turn(request, 1).map(response -> {
            JsonNode output = StepTemplates.parseOutput(response.text());
            var emits = topology.targets(spec.id()).stream()
                    .map(t -> new StepResult.Emit(t, output)).toList();
            var details = new LinkedHashMap<String, Object>();
            details.put("model", spec.model());
            details.put("provider", response.provider());
            details.put("tools", spec.tools());
            if (!conversation.calls.isEmpty()) {
                details.put("tool_calls", conversation.calls);
                details.put("turns", conversation.turns);
            }
            if (maxTokens != null) {
                details.put("max_tokens", maxTokens);
            }
            return new StepResult(output, emits, response.text(), conversation.inputTokens,
                    conversation.outputTokens, details);
        });
    }

    /**
     * The tool-call loop of one llm step: while the model asks for tool calls, make them (one after another, each
     * bounded by the tool timeout; a failed call is reported to the model as an error it can react to) and ask again,
     * at most {@code forge.tools.max-iterations} turns. Tokens add up over the turns.
     */
    private final class Conversation {
        private final LlmProvider provider;
        private final List<String> offered;
        private final Consumer<String> onDelta;
        private final String workspace;
        private final List<Map<String, Object>> calls = new ArrayList<>();
        private int inputTokens;
        private int outputTokens;
        private int turns;

        Conversation(LlmProvider provider, List<String> offered, Consumer<String> onDelta,
                String workspace) {
            this.provider = provider;
            this.workspace = workspace;
            this.offered = offered;
            this.onDelta = onDelta;
        }

        Uni<LlmResponse> turn(LlmRequest request, int number) {
            return provider.stream(request, onDelta)
                    .onFailure(LlmException.class).transform(e -> new StepException("llm_error", e.getMessage(),
                            ((LlmException) e).retryable(), ((LlmException) e).retryAfter().orElse(null), e))
                    .flatMap(response -> {
                        turns = number;
                        inputTokens += response.inputTokens();
                        outputTokens += response.outputTokens();
                        if (response.toolCalls().isEmpty()) {
                            return Uni.createFrom().item(response);
                        }
                        if (number >= tools.maxIterations()) {
                            return Uni.createFrom().failure(new StepException("tool_loop_exhausted", "the model "
                                    + "still asked for tools after " + number + " turns (forge.tools.max-iterations)",
                                    false, null));
                        }
                        Uni<List<ToolExchange>> made = Uni.createFrom().item(new ArrayList<>());
                        for (var call : response.toolCalls()) {
                            made = made.flatMap(done -> make(call).map(exchange -> {
                                done.add(exchange);
                                return done;
                            }));
                        }
                        return made.flatMap(exchanges -> turn(request.with(exchanges), number + 1));
                    });
        }

        private Uni<ToolExchange> make(ToolCall call) {
            var record = new LinkedHashMap<String, Object>();
            record.put("name", call.name());
            record.put("arguments", call.arguments());
            calls.add(record);
            if (!offered.contains(call.name())) {
                String error = "tool '" + call.name() + "' is not available here (offered: " + offered + ")";
                record.put("error", error);
                return Uni.createFrom().item(new ToolExchange(call, null, error));
            }
            return tools.call(workspace, call.name(), call.arguments())
                    .map(result -> {
                        record.put("cached", result.cached());
                        return new ToolExchange(call, result.value(), null);
                    })
                    .onFailure().recoverWithItem(e -> {
                        String error = e instanceof ToolException ? e.getMessage() : "the tool failed";
                        record.put("error", error);
                        return new ToolExchange(call, null, error);
                    });
        }
    }
}
