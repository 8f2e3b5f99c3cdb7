package dev.forge.worker.service;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.artifact.OffloadedValues;
import dev.forge.core.checkpoint.Checkpoints;
import dev.forge.core.checkpoint.StateDelta;
import dev.forge.core.flow.BlueprintFactory;
import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.flow.ExecutorType;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.core.flow.HumanSpec;
import dev.forge.core.flow.RunOverridesJson;
import dev.forge.core.flow.SkillBinding;
import dev.forge.core.flow.SlashCommands;
import dev.forge.core.memory.MemoryService;
import dev.forge.core.messaging.ControlMessages;
import dev.forge.core.queue.ClaimedJob;
import dev.forge.discovery.client.SkillResolver;
import dev.forge.telemetry.logging.RunLogs;
import dev.forge.worker.client.ArtifactReader;
import dev.forge.worker.client.LlmRouter;
import dev.forge.worker.client.SkillClient;
import dev.forge.worker.client.StepCache;
import dev.forge.worker.messaging.MessageDeltas;
import dev.forge.worker.repository.RunRecord;
import dev.forge.worker.repository.RunStore;
import dev.forge.worker.repository.SignalStore;
import dev.forge.worker.repository.StepWrite;
import dev.forge.worker.repository.Waiting;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;

/**
 * Executes one run: loads its pinned blueprint (with the run's overrides applied to a clone), resumes from the latest
 * checkpoint or starts it, then steps through executors. Each step's checkpoint and the run's progress commit together
 * under the job's lease epoch; when a write is fenced off the Coordinator stops without touching anything. The rules it
 * applies live beside it: which executor runs next ({@link DataflowRules}), when a step is retried
 * ({@link RetryPolicy}), how state is stored and read back ({@link StoredStates}), how a run ends ({@link RunEndings}).
 */
public class Coordinator {

    private static final Logger LOG = Logger.getLogger(Coordinator.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RunStore runs;
    private final FlowCatalog catalog;
    private final StepExecutors executors;
    private final CoordinatorSettings settings;
    private final RunMetrics metrics;
    private final StepCache cache;
    private final SignalStore signals;
    private final ControlMessages control;
    private final OffloadedValues offloaded;
    private final ArtifactReader artifacts;
    private final SkillClient skills;
    private final RetryPolicy retries;
    private final StoredStates states;
    private final RunEndings endings;

    public Coordinator(RunStore runs, FlowCatalog catalog, LlmRouter llms, CoordinatorSettings settings,
            RunMetrics metrics, StepCache cache, SignalStore signals, ControlMessages control,
            OffloadedValues offloaded, ArtifactReader artifacts, SkillClient skills, ToolRegistry tools,
            MessageDeltas deltas, MemoryService memory) {
        this.skills = skills;
        this.offloaded = offloaded;
        this.artifacts = artifacts;
        this.cache = cache;
        this.signals = signals;
        this.control = control;
        this.runs = runs;
        this.catalog = catalog;
        this.executors = new StepExecutors(llms, signals, tools, deltas, memory);
        this.settings = settings;
        this.metrics = metrics;
        this.retries = new RetryPolicy(settings);
        this.states = new StoredStates(runs, cache);
        this.endings = new RunEndings(runs, metrics);
    }

    /** Everything one execution needs, threaded through the step loop. */
    private record Context(ClaimedJob job, UUID workerId, RunControl control, RunRecord run, FlowBlueprint flow,
            Topology topology, Instant deadline, OffloadedValues.Offloader offloader,
            AtomicReference<JsonNode> lastStored) {
    }

    /** Runs the job's run to a terminal status, or until its lease is lost; completes when it stops. */
    public Uni<Void> execute(ClaimedJob job, UUID workerId, RunControl control) {
        return runs.load(job.runId()).flatMap(found -> {
            if (found.isEmpty()) {
                return runs.dropJob(job, workerId).replaceWithVoid();
            }
            var run = found.get();
            if (run.terminal()) {
                return runs.dropJob(job, workerId).replaceWithVoid();
            }
            if (run.cancelRequested()) {
                return endings.cancelled(job, workerId, run);
            }
            if (job.attempt() > job.maxAttempts()) {
                // handed back after errors more often than allowed: give up instead of retrying forever
                return endings.fail(job, workerId, run, "attempts_exhausted", "the run was interrupted "
                        + (job.attempt() - 1) + " times (max attempts " + job.maxAttempts() + ")", null, null);
            }
            return catalog.resolve(run.flowName(), run.flowVersion())
                    .flatMap(base -> {
                        var overrides = RunOverridesJson.parse(run.overrides());
                        if (!overrides.problems().isEmpty()) {
                            return endings.fail(job, workerId, run, "invalid_overrides",
                                    String.join("; ", overrides.problems()), null, null);
                        }
                        var flow = BlueprintFactory.apply(base, overrides.overrides());
                        return begin(job, workerId, control, run, flow);
                    });
        });
    }

    private Uni<Void> begin(ClaimedJob job, UUID workerId, RunControl control, RunRecord run, FlowBlueprint flow) {
        var topology = new Topology(flow);
        return artifacts.texts(run.artifacts()).flatMap(texts -> states.latest(run.id()).flatMap(stored -> {
            if (stored.isEmpty()) {
                return startFresh(job, workerId, control, run, flow, topology, texts);
            }
            return offloaded.resolve(stored.get()).flatMap(resolved -> resumeFrom(job, workerId, control, run, flow,
                    topology, texts, stored.get(), resolved));
        }));
    }

    /** Continues from the latest checkpoint ({@code stored} as kept, {@code resolved} with offloaded values back). */
    private Uni<Void> resumeFrom(ClaimedJob job, UUID workerId, RunControl control, RunRecord run, FlowBlueprint flow,
            Topology topology, Map<String, String> texts, JsonNode stored, JsonNode resolved) {
        RunState state = StoredStates.read(resolved);
        state.artifactTexts = texts;
        // the skill pinned when the run started, whatever skill-service has loaded since
        flow = BlueprintFactory.withSkill(flow, state.skill);
        OffsetDateTime started = run.startedAt() == null ? OffsetDateTime.now() : run.startedAt();
        var ctx = new Context(job, workerId, control, run, flow, topology,
                DataflowRules.deadline(flow, started.toInstant().plusMillis(state.waitedMillis)),
                offloaded.offloader(run.workspaceId()), new AtomicReference<>(stored));
        if (state.interrupt != null) {
            return afterWait(ctx, state, started.toInstant());
        }
        RunLogs.log(LOG, Logger.Level.INFO, run.logContext(),
                "Run %s resumes at step %d on worker %s (attempt %d)", run.id(), state.stepIndex, workerId,
                job.attempt());
        DataflowRules.propagateSkips(state, topology);
        var next = pickNext(state, ctx);
        return runs.resume(job, workerId, run, state.stepIndex, next == null ? null : next.id())
                .flatMap(held -> held ? loop(ctx, state) : lost(ctx));
    }

    private Uni<Void> startFresh(ClaimedJob job, UUID workerId, RunControl control, RunRecord run, FlowBlueprint flow,
            Topology topology, Map<String, String> texts) {
        RunLogs.log(LOG, Logger.Level.INFO, run.logContext(), "Run %s starts on worker %s (flow %s %s)",
                run.id(), workerId, run.flowName(), run.flowVersion());
        var command = SlashCommands.in(run.input());
        Uni<SkillBinding> resolved = command.isEmpty() ? Uni.createFrom().nullItem()
                : skills.resolve(command.get());
        return resolved.onItemOrFailure().transformToUni((skill, failure) -> {
            if (failure != null) {
                return failure instanceof SkillResolver.SkillRefused
                        ? endings.fail(job, workerId, run, "skill_refused", failure.getMessage(), null, null)
                        : endings.fail(job, workerId, run, "skill_service_unavailable", "the run's slash command "
                                + "could not be resolved: " + (failure.getMessage() != null ? failure.getMessage()
                                        : failure.getClass().getSimpleName()), null, null);
            }
            // the skill's tools join this run's clone of the blueprint only
            var runFlow = BlueprintFactory.withSkill(flow, skill);
            var state = DataflowRules.initialState(run, runFlow);
            state.skill = skill;
            state.artifactTexts = texts;
            var ctx = new Context(job, workerId, control, run, runFlow, topology,
                    DataflowRules.deadline(runFlow, Instant.now()),
                    offloaded.offloader(run.workspaceId()), new AtomicReference<>());
            return stored(ctx, state).flatMap(initial -> runs.start(job, workerId, run, initial,
                    runFlow.entry().id()).invoke(held -> {
                        if (held) {
                            ctx.lastStored().set(initial);
                            cache.put(run.id(), 0, initial.toString());
                        }
                    }))
                    .flatMap(held -> held ? loop(ctx, state) : lost(ctx));
        });
    }

    private Uni<Void> loop(Context ctx, RunState state) {
        if (state.interrupt != null) {
            return parked(ctx, state);
        }
        if (ctx.control().stopped()) {
            RunLogs.log(LOG, Logger.Level.INFO, ctx.run().logContext(),
                    "Run %s stops on this worker: %s", ctx.run().id(), ctx.control().stopReason());
            return Uni.createFrom().voidItem();
        }
        if (ctx.control().cancelRequested()) {
            return endings.cancelled(ctx.job(), ctx.workerId(), ctx.run());
        }
        if (ctx.deadline() != null && Instant.now().isAfter(ctx.deadline())) {
            return timedOut(ctx, state, null);
        }
        DataflowRules.propagateSkips(state, ctx.topology());
        var next = pickNext(state, ctx);
        if (next == null) {
            return finish(ctx, "succeeded", DataflowRules.runOutput(state, ctx.topology()), null);
        }
        var inbox = List.copyOf(state.inbox.getOrDefault(next.id(), List.of()));
        if (WaitRules.stopsBefore(next, state)) {
            return interrupt(ctx, state, next, inbox);
        }
        Instant stepStarted = Instant.now();
        int retryCount = next.retries() != null ? next.retries() : settings.stepRetries();
        // the step races the run's cancellation, so a cancel interrupts it instead of waiting for it
        return Uni.combine().any().<StepResult>of(step(ctx, next, inbox, state), ctx.control().interruption())
                .onFailure().retry().when(failures -> retries.delays(failures, retryCount))
                .onItemOrFailure().transformToUni((result, failure) -> {
                    if (ctx.control().stopped() || ctx.control().cancelRequested()) {
                        // lease lost, work handed back or run cancelled while the step ran: its result is not written
                        return loop(ctx, state);
                    }
                    if (failure != null) {
                        return stepFailed(ctx, state, next, failure);
                    }
                    return commit(ctx, state, next, result, stepStarted)
                            .flatMap(held -> held ? loop(ctx, state) : lost(ctx));
                });
    }

    private Uni<StepResult> step(Context ctx, ExecutorSpec spec, List<RunState.Message> inbox, RunState state) {
        var env = new StepExecutors.StepEnv(ctx.run().id(), ctx.run().sessionId(), ctx.run().assistantId(),
                ctx.run().workspaceId(), ctx.control(), ctx.deadline());
        if (spec.type() == ExecutorType.WAIT) {
            // a wait step keeps its own time and answers received:false when it runs out
            return Uni.createFrom().deferred(() -> executors.execute(spec, inbox, state, ctx.topology(),
                    ctx.flow().maxTokens(), env));
        }
        Duration limit = spec.timeout() != null ? spec.timeout() : settings.stepTimeout();
        if (ctx.deadline() != null) {
            var remaining = Duration.between(Instant.now(), ctx.deadline());
            if (remaining.compareTo(limit) < 0) {
                limit = remaining.isNegative() ? Duration.ofMillis(1) : remaining;
            }
        }
        Duration timeout = limit;
        return Uni.createFrom().deferred(() -> executors.execute(spec, inbox, state, ctx.topology(),
                        ctx.flow().maxTokens(), env))
                .ifNoItem().after(timeout).failWith(() -> new StepException("step_timeout", "executor '" + spec.id()
                        + "' did not finish within " + timeout.toMillis() + " ms", true, null));
    }

    private Uni<Boolean> commit(Context ctx, RunState state, ExecutorSpec spec, StepResult result, Instant started) {
        var edges = new ArrayList<StepWrite.Edge>();
        state.status.put(spec.id(), RunState.STATUS_DONE);
        state.outputs.put(spec.id(), result.output());
        state.trace.add(spec.id());
        state.inbox.remove(spec.id());
        state.answers.remove(spec.id());
        if (spec.id().equals(state.approved)) {
            state.approved = null;
        }
        for (var emit : result.emits()) {
            int seq = ++state.edgeSeq;
            state.inbox.computeIfAbsent(emit.to(), k -> new ArrayList<>())
                    .add(new RunState.Message(spec.id(), seq, emit.payload()));
            edges.add(new StepWrite.Edge(seq, spec.id(), emit.to(), emit.payload()));
        }
        state.stepIndex++;
        if (spec.interrupts().after()) {
            // the go-ahead is asked in this step's own checkpoint, so a crash cannot skip it
            state.interrupt = WaitRules.after(spec, state, Instant.now());
        }
        state.inputTokens += result.inputTokens();
        state.outputTokens += result.outputTokens();
        DataflowRules.propagateSkips(state, ctx.topology());
        Integer messageSeq = null;
        ObjectNode content = null;
        if (result.assistantText() != null) {
            messageSeq = ++state.messageSeq;
            content = NODES.objectNode().put("text", result.assistantText());
            content.set("output", result.output());
            content.put("model", spec.model());
        }
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("executor", spec.id());
        metadata.put("type", spec.type().yamlName());
        metadata.put("duration_ms", Duration.between(started, Instant.now()).toMillis());
        metadata.put("worker", ctx.workerId().toString());
        metadata.put("attempt", ctx.job().attempt());
        metadata.put("input_tokens", result.inputTokens());
        metadata.put("output_tokens", result.outputTokens());
        metadata.putAll(result.details());
        Integer seqOfMessage = messageSeq;
        ObjectNode messageContent = content;
        return stored(ctx, state)
                .flatMap(stateJson -> StoredStates.storedEdges(ctx.offloader(), edges)
                        .flatMap(storedEdges -> messageContent == null
                                ? Uni.createFrom().item(storedEdges)
                                : ctx.offloader().store(result.output()).map(output -> {
                                    messageContent.set("output", output);
                                    return storedEdges;
                                }))
                        .flatMap(storedEdges -> commitStored(ctx, state, spec, result, started, stateJson, metadata,
                                storedEdges, seqOfMessage, messageContent)));
    }

    private Uni<Boolean> commitStored(Context ctx, RunState state, ExecutorSpec spec, StepResult result,
            Instant started, JsonNode stateJson, Map<String, Object> metadata, List<StepWrite.Edge> edges,
            Integer messageSeq, ObjectNode content) {
        Long cap = ctx.flow().maxStateBytes();
        if (cap != null && stateJson.toString().length() > cap) {
            return endings.fail(ctx.job(), ctx.workerId(), ctx.run(), "state_too_large", "run state is "
                    + stateJson.toString().length() + " bytes after step '" + spec.id() + "', over max_state_bytes "
                    + cap, spec.id(), state.stepIndex).replaceWith(false);
        }
        var next = pickNext(state, ctx);
        var checkpoint = checkpointOf(ctx, state.stepIndex, stateJson, metadata);
        boolean stops = state.interrupt != null || WaitRules.stopsBefore(next, state);
        return runs.commitStep(ctx.job(), ctx.workerId(), ctx.run(), new StepWrite(state.stepIndex, spec.id(),
                spec.type().yamlName(), result.output(), checkpoint.state(), checkpoint.delta(), metadata, edges,
                messageSeq, content, next == null || stops ? null : next.id(), result.signals(),
                result.consumedSignal(), state.interrupt == null ? null : waiting(state.interrupt)))
                .invoke(held -> {
                    if (held) {
                        ctx.lastStored().set(stateJson);
                        metrics.stepExecuted(spec.type().yamlName(), Duration.between(started, Instant.now()));
                        // only committed states are cached
                        cache.put(ctx.run().id(), state.stepIndex, stateJson.toString());
                        if (!result.signals().isEmpty()) {
                            nudgeReceivers(result.signals());
                        }
                    }
                });
    }

    /** What the checkpoint row keeps: the whole state every KEYFRAME_EVERY steps, else what changed since the last. */
    private static RunStore.Checkpoint checkpointOf(Context ctx, int step, JsonNode stateJson,
            Map<String, Object> metadata) {
        JsonNode previous = ctx.lastStored().get();
        boolean delta = previous != null && !Checkpoints.keyframe(step);
        return new RunStore.Checkpoint(step, delta ? StateDelta.diff(previous, stateJson) : stateJson, delta,
                metadata);
    }

    // --- waiting for a person ---------------------------------------------------------------------------------------

    /** Stops before {@code next} to ask a person: the question checkpointed, the run interrupted, its job parked. */
    private Uni<Void> interrupt(Context ctx, RunState state, ExecutorSpec next, List<RunState.Message> inbox) {
        state.interrupt = WaitRules.before(next, inbox, state, Instant.now());
        state.stepIndex++;
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("kind", "interrupt");
        metadata.put("interrupt", state.interrupt.kind());
        metadata.put("waiting_on", next.id());
        metadata.put("worker", ctx.workerId().toString());
        return stored(ctx, state).flatMap(stateJson -> runs.interrupt(ctx.job(), ctx.workerId(), ctx.run(),
                checkpointOf(ctx, state.stepIndex, stateJson, metadata), waiting(state.interrupt)).invoke(held -> {
                    if (held) {
                        ctx.lastStored().set(stateJson);
                        cache.put(ctx.run().id(), state.stepIndex, stateJson.toString());
                    }
                }))
                .flatMap(held -> held ? parked(ctx, state) : lost(ctx));
    }

    private static Waiting waiting(RunState.Interrupt interrupt) {
        return new Waiting(WaitRules.view(interrupt), WaitRules.wakeAt(interrupt));
    }

    /** The run waits for a person; this worker is done with it and its slot is free. */
    private Uni<Void> parked(Context ctx, RunState state) {
        RunLogs.log(LOG, Logger.Level.INFO, ctx.run().logContext(), "Run %s waits for a person at '%s' (%s)%s",
                ctx.run().id(), state.interrupt.executor(), state.interrupt.kind(),
                state.interrupt.deadline() == null ? "" : " until " + state.interrupt.deadline());
        metrics.runInterrupted();
        return Uni.createFrom().voidItem();
    }

    /**
     * A waiting run's job was claimed: a person answered (apply it and go on), the question's deadline passed (route
     * to on_timeout, or end timed out), or neither — a fork of a waiting checkpoint — so it parks again.
     */
    private Uni<Void> afterWait(Context waitingCtx, RunState state, Instant started) {
        var now = Instant.now();
        var interrupt = state.interrupt;
        var command = waitingCtx.run().resume();
        Map<String, Object> record;
        boolean timedOut = false;
        if (command != null && command.isObject()) {
            record = WaitRules.resume(state, command, waitingCtx.topology(), now);
        } else if (WaitRules.expired(interrupt, now)) {
            if (HumanSpec.FAIL.equals(interrupt.onTimeout()) || interrupt.onTimeout() == null) {
                var error = NODES.objectNode().put("type", "interrupt_timeout").put("message", "nobody answered '"
                        + interrupt.executor() + "' by " + interrupt.deadline()).put("executor", interrupt.executor())
                        .put("step", interrupt.step());
                return finish(waitingCtx, "timed_out", null, error);
            }
            record = WaitRules.timeOut(state, now);
            timedOut = true;
        } else {
            return runs.interrupt(waitingCtx.job(), waitingCtx.workerId(), waitingCtx.run(), null,
                    waiting(interrupt)).flatMap(held -> held ? parked(waitingCtx, state) : lost(waitingCtx));
        }
        // the flow's own timeout does not count the time spent waiting
        var ctx = new Context(waitingCtx.job(), waitingCtx.workerId(), waitingCtx.control(), waitingCtx.run(),
                waitingCtx.flow(), waitingCtx.topology(),
                DataflowRules.deadline(waitingCtx.flow(), started.plusMillis(state.waitedMillis)),
                waitingCtx.offloader(), waitingCtx.lastStored());
        state.stepIndex++;
        record.put("worker", ctx.workerId().toString());
        DataflowRules.propagateSkips(state, ctx.topology());
        var next = pickNext(state, ctx);
        String nextExecutor = next == null || WaitRules.stopsBefore(next, state) ? null : next.id();
        boolean routedOnTimeout = timedOut;
        RunLogs.log(LOG, Logger.Level.INFO, ctx.run().logContext(), "Run %s goes on after waiting at '%s' (%s)",
                ctx.run().id(), interrupt.executor(), timedOut ? "timed out" : "answered");
        return stored(ctx, state).flatMap(stateJson -> runs.continueAfterWait(ctx.job(), ctx.workerId(), ctx.run(),
                checkpointOf(ctx, state.stepIndex, stateJson, record), routedOnTimeout, interrupt.executor(),
                nextExecutor).invoke(held -> {
                    if (held) {
                        ctx.lastStored().set(stateJson);
                        cache.put(ctx.run().id(), state.stepIndex, stateJson.toString());
                    }
                }))
                .flatMap(held -> held ? loop(ctx, state) : lost(ctx));
    }

    private Uni<Void> stepFailed(Context ctx, RunState state, ExecutorSpec spec, Throwable failure) {
        if (ctx.deadline() != null && !Instant.now().isBefore(ctx.deadline())) {
            return timedOut(ctx, state, spec.id());
        }
        if (failure instanceof StepException se) {
            return endings.fail(ctx.job(), ctx.workerId(), ctx.run(), se.type(), se.getMessage(), spec.id(),
                    state.stepIndex + 1);
        }
        if (failure instanceof TimeoutException) {
            return endings.fail(ctx.job(), ctx.workerId(), ctx.run(), "step_timeout", "executor '" + spec.id()
                    + "' timed out", spec.id(), state.stepIndex + 1);
        }
        // anything else (storage down, a bug): hand the run back to the queue rather than fail it
        return Uni.createFrom().failure(failure);
    }

    private Uni<Void> timedOut(Context ctx, RunState state, String executor) {
        return finish(ctx, "timed_out", null, RunEndings.timeout(ctx.flow(), state.stepIndex, executor));
    }

    private Uni<Void> finish(Context ctx, String status, JsonNode output, JsonNode error) {
        return endings.finish(ctx.job(), ctx.workerId(), ctx.run(), status, output, error)
                .flatMap(held -> held ? Uni.createFrom().voidItem() : lost(ctx));
    }

    private Uni<Void> lost(Context ctx) {
        return endings.lost(ctx.job(), ctx.workerId(), ctx.run(), ctx.control());
    }

    /** Tells the workers running the receiving sessions' runs to look now (they also poll). */
    private void nudgeReceivers(List<StepWrite.OutgoingSignal> sent) {
        var sessions = sent.stream().map(StepWrite.OutgoingSignal::targetSession)
                .distinct().toList();
        signals.holders(sessions).subscribe().with(
                holders -> holders.forEach(h -> control.sendSignal(h[1], h[0])),
                e -> LOG.debugf("could not look up receivers: %s", e.getMessage()));
    }

    private ExecutorSpec pickNext(RunState state, Context ctx) {
        return DataflowRules.next(state, ctx.flow(), ctx.topology());
    }

    private Uni<ObjectNode> stored(Context ctx, RunState state) {
        return states.stored(ctx.offloader(), state);
    }
}
