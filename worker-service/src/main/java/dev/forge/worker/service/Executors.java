package dev.forge.worker.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.flow.CelConditions;
import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.flow.MemorySpec;
import dev.forge.core.flow.MergeStrategy;
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
import dev.forge.worker.repository.SignalStore;
import io.smallrye.mutiny.Uni;

/**
 * The executor types: llm, conditional, merge, send, wait and tool. Each turns the messages in its inbox into a
 * {@link StepResult}.
 */
final class Executors {

    private static final com.fasterxml.jackson.databind.ObjectReader WHOLE_JSON = JsonValues.MAPPER.reader()
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z0-9_.]+)\\s*}}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final java.time.Duration DEFAULT_WAIT = java.time.Duration.ofSeconds(60);
    /** How long a step waits for its last token delta to leave before it commits. */
    private static final java.time.Duration DELTA_FLUSH = java.time.Duration.ofMillis(500);
    private static final long WAIT_POLL_MS = 1_000;

    private final LlmRouter llms;
    private final SignalStore signals;
    private final ToolRegistry tools;
    private final MessageDeltas deltas;
    private final MemoryService memory;

    Executors(LlmRouter llms, SignalStore signals, ToolRegistry tools, MessageDeltas deltas, MemoryService memory) {
        this.memory = memory;
        this.llms = llms;
        this.signals = signals;
        this.tools = tools;
        this.deltas = deltas;
    }

    /** Where a step runs: its run, session and workspace, the run's controls, and the run's deadline (or null). */
    record StepEnv(java.util.UUID runId, java.util.UUID sessionId, java.util.UUID assistantId, String workspace,
            RunControl control, java.time.Instant runDeadline) {
    }

    Uni<StepResult> execute(ExecutorSpec spec, List<RunState.Message> inbox, RunState state, Topology topology,
            Integer flowMaxTokens, StepEnv env) {
        return switch (spec.type()) {
            case LLM -> llm(spec, inbox, state, topology, flowMaxTokens, env);
            case CONDITIONAL -> Uni.createFrom().item(() -> conditional(spec, inbox, state));
            case MERGE -> Uni.createFrom().item(() -> merge(spec, inbox, topology));
            case SEND -> send(spec, inbox, state, topology, env);
            case WAIT -> awaitSignal(spec, topology, env, waitDeadline(spec, env));
            case TOOL -> tool(spec, inbox, state, topology, env);
        };
    }

    /** How long a wait step may wait: its timeout (default 60 s), never past the run's deadline. */
    static java.time.Instant waitDeadline(ExecutorSpec spec, StepEnv env) {
        var own = java.time.Instant.now().plus(spec.timeout() != null ? spec.timeout() : DEFAULT_WAIT);
        return env.runDeadline() != null && env.runDeadline().isBefore(own) ? env.runDeadline() : own;
    }

    // --- send / wait: agent to agent --------------------------------------------------------------------------------

    private Uni<StepResult> send(ExecutorSpec spec, List<RunState.Message> inbox, RunState state, Topology topology,
            StepEnv env) {
        var context = templateContext(spec, inbox, state);
        String rendered = render(spec.toSession(), context).trim();
        java.util.UUID target;
        try {
            target = java.util.UUID.fromString(rendered);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new StepException("invalid_target", "to_session '" + spec.toSession()
                    + "' gave '" + rendered + "', which is not a session id", false, null));
        }
        JsonNode payload = spec.message() != null ? parseOutput(render(spec.message(), context))
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
                    target.toString()), List.of(new dev.forge.worker.repository.StepWrite.OutgoingSignal(target,
                            spec.channel(), payload)), null);
        });
    }

    /**
     * Waits for a message on the channel to this run's session: looks, and if there is none waits for the control
     * exchange's nudge (or a second), until the deadline. The message is consumed in the step's commit, so a crash
     * before it leaves it for the resumed run. Output: {@code {received, message, from_run}} or {@code received:false}.
     */
    private Uni<StepResult> awaitSignal(ExecutorSpec spec, Topology topology, StepEnv env, java.time.Instant deadline) {
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
            long left = java.time.Duration.between(java.time.Instant.now(), deadline).toMillis();
            if (left <= 0) {
                var output = NODES.objectNode().put("received", false).put("channel", spec.channel());
                var emits = topology.targets(spec.id()).stream().map(t -> new StepResult.Emit(t, output)).toList();
                return Uni.createFrom().item(new StepResult(output, emits, null, 0, 0,
                        Map.of("channel", spec.channel(), "timed_out", true)));
            }
            return Uni.createFrom().completionStage(() -> nudge.thenApply(x -> x))
                    .ifNoItem().after(java.time.Duration.ofMillis(Math.min(WAIT_POLL_MS, left))).recoverWithItem((Void) null)
                    .flatMap(x -> awaitSignal(spec, topology, env, deadline));
        });
    }

    // --- tool -----------------------------------------------------------------------------------------------------

    /** Calls the executor's tool with its arguments, templates rendered; the tool's result is the output. */
    private Uni<StepResult> tool(ExecutorSpec spec, List<RunState.Message> inbox, RunState state, Topology topology,
            StepEnv env) {
        String name = spec.tools().get(0);
        var context = templateContext(spec, inbox, state);
        JsonNode arguments = renderValues(JsonValues.MAPPER.valueToTree(spec.parameters()), context);
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
        return new StepException("tool_" + e.kind().name().toLowerCase(java.util.Locale.ROOT), e.getMessage(),
                e.retryable(), e);
    }

    /**
     * Arguments with their templates filled: a string that is exactly one placeholder becomes the value it names
     * (an object stays an object); other strings are rendered as text; everything else is kept.
     */
    static JsonNode renderValues(JsonNode value, ObjectNode context) {
        if (value.isTextual()) {
            Matcher whole = PLACEHOLDER.matcher(value.asText().strip());
            if (whole.matches()) {
                JsonNode found = lookup(context, whole.group(1));
                return found == null ? NODES.nullNode() : found;
            }
            return NODES.textNode(render(value.asText(), context));
        }
        if (value.isObject()) {
            var out = NODES.objectNode();
            value.fields().forEachRemaining(f -> out.set(f.getKey(), renderValues(f.getValue(), context)));
            return out;
        }
        if (value.isArray()) {
            var out = NODES.arrayNode();
            value.forEach(v -> out.add(renderValues(v, context)));
            return out;
        }
        return value;
    }

    // --- llm ------------------------------------------------------------------------------------------------------

    private Uni<StepResult> llm(ExecutorSpec spec, List<RunState.Message> inbox, RunState state, Topology topology,
            Integer flowMaxTokens, StepEnv env) {
        Integer maxTokens = spec.maxTokens() != null ? spec.maxTokens() : flowMaxTokens;
        var recalled = new ArrayList<MemoryHit>();
        // the executor's tools (flow, run overrides, skill, MCP) that the registry knows are offered to the model
        return recall(spec, prompt(spec, inbox, state), env, recalled).flatMap(prompt -> tools.specs(env.workspace(),
                spec.tools()).flatMap(offered -> {
            var request = new LlmRequest(spec.model(), spec.id(), prompt, maxTokens, spec.tools(), spec.parameters(),
                    offered, List.of());
            var provider = llms.forModel(spec.model()).orElse(null);
            if (provider == null) {
                // validation refuses such flows; a worker configured differently from the gateway still fails cleanly
                return Uni.createFrom().failure(new StepException("model_unroutable", "no provider serves model '"
                        + spec.model() + "' on this worker", false, null));
            }
            // deltas as the model writes: numbered across the step's turns, for the step this message will commit as
            var seq = new java.util.concurrent.atomic.AtomicInteger();
            int step = state.stepIndex + 1;
            var lastDelta = new java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletionStage<Void>>(
                    java.util.concurrent.CompletableFuture.completedFuture(null));
            java.util.function.Consumer<String> onDelta = text -> lastDelta.set(deltas.publish(env.runId(),
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
    private Uni<String> recall(ExecutorSpec spec, String prompt, StepEnv env, List<MemoryHit> recalled) {
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
    private Uni<StepResult> remember(ExecutorSpec spec, StepResult result, StepEnv env, int step,
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
        var id = java.util.UUID.nameUUIDFromBytes((env.runId() + "/" + spec.id() + "/" + step)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
    private static MemoryFilter namespace(MemorySpec spec, StepEnv env) {
        return switch (spec.scope()) {
            case "session" -> new MemoryFilter(env.assistantId().toString(), env.sessionId().toString());
            case "workspace" -> MemoryFilter.ANY;
            default -> new MemoryFilter(env.assistantId().toString(), null);
        };
    }

    private Uni<StepResult> converse(ExecutorSpec spec, Conversation conversation, LlmRequest request,
            Topology topology, Integer maxTokens) {
        return conversation.turn(request, 1).map(response -> {
            JsonNode output = parseOutput(response.text());
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
        private final java.util.function.Consumer<String> onDelta;
        private final String workspace;
        private final List<Map<String, Object>> calls = new ArrayList<>();
        private int inputTokens;
        private int outputTokens;
        private int turns;

        Conversation(LlmProvider provider, List<String> offered, java.util.function.Consumer<String> onDelta,
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

    private static String messages(List<RunState.Message> inbox) {
        return inbox.stream()
                .filter(m -> !RunState.INPUT_SENDER.equals(m.from()))
                .map(m -> "[" + m.from() + "] " + JsonValues.text(m.payload()))
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /**
     * What templates see: {@code {{input.x}}, {{message}}, {{state.<executor>}}, {{params.x}}, {{executor}}},
     * {@code {{skill.name}}, {{skill.parameters.x}}, {{skill.text}}} when a slash command started the run, and
     * {@code {{artifacts.0.text}}} (also name, content_type, size_bytes, sha256) for the run's artifacts.
     */
    static ObjectNode templateContext(ExecutorSpec spec, List<RunState.Message> inbox, RunState state) {
        String messages = messages(inbox);
        var context = NODES.objectNode();
        context.set("input", state.input);
        context.put("message", messages.isEmpty() ? JsonValues.text(state.input) : messages);
        context.set("state", JsonValues.MAPPER.valueToTree(state.outputs));
        context.set("params", JsonValues.MAPPER.valueToTree(spec.parameters()));
        context.put("executor", spec.id());
        if (state.skill != null) {
            context.set("skill", JsonValues.MAPPER.valueToTree(state.skill));
        }
        var artifacts = context.putArray("artifacts");
        for (var a : state.artifacts) {
            var node = artifacts.addObject().put("id", a.id()).put("name", a.name())
                    .put("content_type", a.contentType()).put("size_bytes", a.sizeBytes()).put("sha256", a.sha256());
            String text = state.artifactTexts.get(a.id());
            if (text != null) {
                node.put("text", text);
            }
        }
        return context;
    }

    /** The executor's prompt template rendered, or by default the run input followed by the incoming messages. */
    static String prompt(ExecutorSpec spec, List<RunState.Message> inbox, RunState state) {
        String messages = messages(inbox);
        if (spec.prompt() != null) {
            return render(spec.prompt(), templateContext(spec, inbox, state));
        }
        var sb = new StringBuilder(JsonValues.text(state.input));
        for (var a : state.artifacts) {
            String text = state.artifactTexts.get(a.id());
            sb.append("\n\n[artifact ").append(a.name()).append(text != null ? "]\n" + text
                    : " (" + a.contentType() + ", " + a.sizeBytes() + " bytes)]");
        }
        if (!messages.isEmpty()) {
            sb.append("\n\n").append(messages);
        }
        return sb.toString();
    }

    static String render(String template, ObjectNode context) {
        Matcher m = PLACEHOLDER.matcher(template);
        var sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(JsonValues.text(lookup(context, m.group(1)))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The value a placeholder path names ({@code state.classifier.label}), or null. */
    private static JsonNode lookup(ObjectNode context, String path) {
        JsonNode node = context;
        for (String part : path.split("\\.")) {
            if (node != null) {
                // list items by position: {{artifacts.0.text}}
                node = node.isArray() && part.matches("\\d{1,4}") ? node.get(Integer.parseInt(part))
                        : node.get(part);
            }
        }
        return node;
    }

    /** A JSON object or array answer becomes structured output (so conditions can read fields); else text. */
    static JsonNode parseOutput(String text) {
        var t = text == null ? "" : text.trim();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                // the whole answer must be JSON: prose after a JSON prefix keeps the answer as text
                return WHOLE_JSON.readTree(t);
            } catch (JsonProcessingException e) {
                // not JSON after all: keep the text
            }
        }
        return NODES.textNode(text == null ? "" : text);
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
