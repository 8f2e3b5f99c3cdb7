package dev.forge.worker.repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.checkpoint.Checkpoints;
import dev.forge.core.json.JsonValues;
import dev.forge.core.queue.ClaimedJob;
import dev.forge.worker.repository.JobWrite.Event;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The worker's reads of runs and checkpoints, and its writes to runs, checkpoints, messages, edges and events. Every
 * write on behalf of a job is applied atomically after a fence on the job's lease epoch, group-committed with other
 * runs' writes ({@link GroupCommit}); {@code false} means the lease moved on and nothing was written.
 */
@ApplicationScoped
public class RunStore {

    private static final TypeReference<Map<String, Object>> PLAIN_OBJECT = new TypeReference<>() {
    };

    private final Pool pool;
    private final GroupCommit commits;

    public RunStore(Pool pool, GroupCommit commits) {
        this.pool = pool;
        this.commits = commits;
    }

    public Uni<Optional<RunRecord>> load(UUID runId) {
        return pool.preparedQuery("SELECT id, session_id, assistant_id, workspace_id, status, input::text AS input, "
                + "overrides::text AS overrides, flow_name, flow_version, started_at, trace_parent, "
                + "cancel_requested_at IS NOT NULL AS cancel_requested, resume::text AS resume, "
                + "(SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'content_type', a.content_type, "
                + " 'size_bytes', a.size_bytes, 'sha256', a.sha256, 'storage_key', a.storage_key) ORDER BY l.position) "
                + " FROM run_artifacts l JOIN artifacts a ON a.id = l.artifact_id WHERE l.run_id = runs.id)::text "
                + " AS artifacts FROM runs WHERE id = $1")
                .execute(Tuple.of(runId))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new RunRecord(r.getUUID("id"), r.getUUID("session_id"),
                            r.getUUID("assistant_id"), r.getString("workspace_id"), r.getString("status"), json(r.getString("input")),
                            json(r.getString("overrides")), r.getString("flow_name"), r.getString("flow_version"),
                            r.getOffsetDateTime("started_at"), r.getBoolean("cancel_requested"),
                            artifacts(json(r.getString("artifacts"))), r.getString("trace_parent"),
                            json(r.getString("resume"))));
                });
    }

    private static List<RunRecord.Artifact> artifacts(JsonNode list) {
        if (list == null) {
            return List.of();
        }
        var out = new ArrayList<RunRecord.Artifact>();
        list.forEach(a -> out.add(new RunRecord.Artifact(a.path("id").asText(), a.path("name").asText(),
                a.path("content_type").asText(), a.path("size_bytes").asLong(), a.path("sha256").asText(),
                a.path("storage_key").asText())));
        return out;
    }

    /** The step index of the latest checkpoint, by the seed's (run_id, updated_at DESC) index. */
    public Uni<Optional<Integer>> latestStep(UUID runId) {
        return pool.preparedQuery("SELECT step_index FROM workflow_checkpoints WHERE run_id = $1 "
                + "ORDER BY updated_at DESC, step_index DESC LIMIT 1")
                .execute(Tuple.of(runId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getInteger(0))
                        : Optional.empty());
    }

    /** The whole state of one checkpoint (its keyframe with the deltas up to it applied). */
    public Uni<JsonNode> state(UUID runId, int step) {
        return Checkpoints.stateAt(pool, runId, step).map(found -> found.orElseThrow(() -> new IllegalStateException(
                "run " + runId + " has no checkpoint at step " + step)));
    }

    /**
     * Starts a run: its first checkpoint (step 0), status running, the input as the first user message, the session
     * busy, and a run.started event, in one fenced transaction — a run is never running without its first checkpoint.
     */
    public Uni<Boolean> start(ClaimedJob job, UUID workerId, RunRecord run, JsonNode initialState,
            String firstExecutor) {
        return commits.submit(JobWrite.of(job, workerId, run)
                .checkpoint(0, initialState, false, Map.of("kind", "start", "worker", workerId.toString(), "attempt",
                        job.attempt()))
                .running(job.attempt())
                .messages(List.of(new JobWrite.Message(0, "user", null, run.input())))
                .session("busy")
                .events(List.of(
                        new Event("run.started", "info", Map.of("worker", workerId.toString(), "attempt",
                                job.attempt())),
                        new Event("step.started", "info", Map.of("step", 1, "executor", firstExecutor))))
                .build());
    }

    /**
     * Continuing from an existing checkpoint: after another worker lost the run (run.recovered), or the first start of
     * a fork (whose first checkpoint is the parent's state). Records the attempt and tells streams which step runs
     * next.
     */
    public Uni<Boolean> resume(ClaimedJob job, UUID workerId, RunRecord run, int fromStep, String nextExecutor) {
        boolean firstStart = run.startedAt() == null;
        var events = new ArrayList<Event>();
        events.add(firstStart
                ? new Event("run.started", "info", Map.of("worker", workerId.toString(), "attempt", job.attempt(),
                        "from_step", fromStep))
                : new Event("run.recovered", "warning", Map.of("worker", workerId.toString(), "attempt",
                        job.attempt(), "from_step", fromStep)));
        if (nextExecutor != null) {
            events.add(new Event("step.started", "info", Map.of("step", fromStep + 1, "executor", nextExecutor)));
        }
        return commits.submit(JobWrite.of(job, workerId, run).running(job.attempt()).session("busy").events(events)
                .build());
    }

    /**
     * Commits one step: checkpoint, edges, assistant message, signals and events together. The run row is not
     * touched: its progress is read from the latest checkpoint (one write fewer per step).
     */
    public Uni<Boolean> commitStep(ClaimedJob job, UUID workerId, RunRecord run, StepWrite step) {
        var write = JobWrite.of(job, workerId, run)
                .checkpoint(step.stepIndex(), step.state(), step.stateIsDelta(), step.metadata())
                .edges(step.edges())
                .signals(step.executorId(), step.signals(), step.consumedSignal())
                .events(stepEvents(step));
        if (step.messageContent() != null) {
            write.messages(List.of(new JobWrite.Message(step.messageSeq(), "assistant", step.executorId(),
                    step.messageContent())));
        }
        if (step.waiting() != null) {
            write.park(step.waiting());
        }
        return commits.submit(write.build());
    }

    /**
     * The run stops to wait for a person: its question (in a new checkpoint when {@code checkpoint} is given; a fork
     * of a waiting checkpoint already has it), status interrupted, the job parked so no slot is held, and a
     * run.interrupted event, in one fenced transaction.
     */
    public Uni<Boolean> interrupt(ClaimedJob job, UUID workerId, RunRecord run, Checkpoint checkpoint,
            Waiting waiting) {
        var write = JobWrite.of(job, workerId, run).park(waiting)
                .events(List.of(new Event("run.interrupted", "info", JsonValues.MAPPER.convertValue(
                        waiting.interrupt(), PLAIN_OBJECT))));
        if (checkpoint != null) {
            write.checkpoint(checkpoint.stepIndex(), checkpoint.state(), checkpoint.delta(), checkpoint.metadata());
        }
        return commits.submit(write.build());
    }

    /**
     * The run continues after its wait (a person's answer, or the question's timeout): the checkpoint with the
     * answer applied, status running, the question and answer cleared, and the events, in one fenced transaction —
     * a crash before it commits leaves the answer to be applied again.
     */
    public Uni<Boolean> continueAfterWait(ClaimedJob job, UUID workerId, RunRecord run, Checkpoint checkpoint,
            boolean timedOut, String waitedOn, String nextExecutor) {
        var events = new ArrayList<Event>();
        if (timedOut) {
            // an answer's run.resumed is recorded by the gateway when the person answers
            events.add(new Event("run.resumed", "warning", Map.of("reason", "timeout", "executor", waitedOn)));
        }
        if (nextExecutor != null) {
            events.add(new Event("step.started", "info", Map.of("step", checkpoint.stepIndex() + 1, "executor",
                    nextExecutor)));
        }
        return commits.submit(JobWrite.of(job, workerId, run).running(job.attempt()).clearWait().session("busy")
                .checkpoint(checkpoint.stepIndex(), checkpoint.state(), checkpoint.delta(), checkpoint.metadata())
                .events(events).build());
    }

    /** A checkpoint row to write: the whole state or, when {@code delta}, what changed since the previous one. */
    public record Checkpoint(int stepIndex, JsonNode state, boolean delta, Map<String, Object> metadata) {
    }

    private static List<Event> stepEvents(StepWrite step) {
        var out = new ArrayList<Event>();
        var completed = new LinkedHashMap<String, Object>();
        completed.put("step", step.stepIndex());
        completed.put("executor", step.executorId());
        completed.put("type", step.executorType());
        completed.put("duration_ms", step.metadata().get("duration_ms"));
        completed.put("output", summary(step.output()));
        out.add(new Event("step.completed", "info", completed));
        if (step.messageContent() != null) {
            out.add(new Event("message", "info", Map.of("seq", step.messageSeq(), "role", "assistant",
                    "executor", step.executorId(), "text", step.messageContent().path("text").asText())));
        }
        if (step.nextExecutor() != null) {
            out.add(new Event("step.started", "info", Map.of("step", step.stepIndex() + 1, "executor",
                    step.nextExecutor())));
        }
        return out;
    }

    /** Short text of an output for events; the full value is in the checkpoint. */
    static String summary(JsonNode output) {
        String text = JsonValues.text(output);
        return text.length() <= 280 ? text : text.substring(0, 277) + "...";
    }

    /**
     * Ends a run with exactly one terminal status: the update only applies while the run is still pending or
     * running, and the job leaves the queue in the same transaction.
     */
    public Uni<Boolean> finish(ClaimedJob job, UUID workerId, RunRecord run, String status, JsonNode output,
            JsonNode error) {
        String sessionStatus = status.equals("succeeded") || status.equals("cancelled") ? "idle" : "error";
        String severity = status.equals("succeeded") ? "info" : "error";
        return commits.submit(JobWrite.of(job, workerId, run)
                .terminal(status, output, error)
                .session(sessionStatus)
                .events(List.of(new Event("run." + status, severity, error == null
                        ? Map.of("output", summary(output)) : Map.of("error", error))))
                .completeJob()
                .build());
    }

    /** The run was already terminal (e.g. finished just before a lease loss): drop its job. */
    public Uni<Boolean> dropJob(ClaimedJob job, UUID workerId) {
        return commits.submit(JobWrite.of(job, workerId, null).completeJob().build());
    }

    private static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JsonValues.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is invalid", e);
        }
    }

}
