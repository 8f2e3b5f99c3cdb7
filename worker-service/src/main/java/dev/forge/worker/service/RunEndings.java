package dev.forge.worker.service;

import java.util.UUID;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.queue.ClaimedJob;
import dev.forge.telemetry.logging.RunLogs;
import dev.forge.worker.repository.RunRecord;
import dev.forge.worker.repository.RunStore;
import io.smallrye.mutiny.Uni;

/**
 * How a run ends on this worker: succeeded, failed, timed out or cancelled (written under the job's lease epoch, with
 * the run's error in the shape clients read), or stopped without writing when the lease was lost.
 */
final class RunEndings {

    private static final Logger LOG = Logger.getLogger(RunEndings.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RunStore runs;
    private final RunMetrics metrics;

    RunEndings(RunStore runs, RunMetrics metrics) {
        this.runs = runs;
        this.metrics = metrics;
    }

    /** Writes a terminal status; the item says whether this worker still held the lease (false: nothing written). */
    Uni<Boolean> finish(ClaimedJob job, UUID workerId, RunRecord run, String status, JsonNode output,
            JsonNode error) {
        return runs.finish(job, workerId, run, status, output, error).invoke(held -> {
            if (held) {
                metrics.runFinished(status);
                RunLogs.log(LOG, Logger.Level.INFO, run.logContext(), "Run %s finished on worker %s: %s", run.id(),
                        workerId, status);
            }
        });
    }

    /** Fails the run with {@code type} and {@code message}, naming the executor and step when there is one. */
    Uni<Void> fail(ClaimedJob job, UUID workerId, RunRecord run, String type, String message, String executor,
            Integer step) {
        var error = NODES.objectNode().put("type", type).put("message", message);
        if (executor != null) {
            error.put("executor", executor);
        }
        if (step != null) {
            error.put("step", step);
        }
        RunLogs.log(LOG, Logger.Level.WARN, run.logContext(), "Run %s failed: %s", run.id(), message);
        return runs.finish(job, workerId, run, "failed", null, error).invoke(held -> {
            if (held) {
                metrics.runFinished("failed");
            }
        }).replaceWithVoid();
    }

    Uni<Void> cancelled(ClaimedJob job, UUID workerId, RunRecord run) {
        var error = NODES.objectNode().put("type", "cancelled").put("message", "the run was cancelled by request");
        RunLogs.log(LOG, Logger.Level.INFO, run.logContext(), "Run %s cancelled", run.id());
        return runs.finish(job, workerId, run, "cancelled", null, error).invoke(held -> {
            if (held) {
                metrics.runFinished("cancelled");
            }
        }).replaceWithVoid();
    }

    /** The error of a run that ran out of its flow's time, at {@code step} (in {@code executor} when one ran). */
    static ObjectNode timeout(FlowBlueprint flow, int step, String executor) {
        var error = NODES.objectNode().put("type", "run_timeout").put("message", "run exceeded its timeout of "
                + flow.timeout().toSeconds() + " s").put("step", step);
        if (executor != null) {
            error.put("executor", executor);
        }
        return error;
    }

    /** The lease moved on: stop this execution and write nothing more. */
    Uni<Void> lost(ClaimedJob job, UUID workerId, RunRecord run, RunControl control) {
        RunLogs.log(LOG, Logger.Level.WARN, run.logContext(),
                "Run %s: lease epoch %d no longer held by worker %s; stopping without writing", run.id(),
                job.epoch(), workerId);
        control.stop("lease lost");
        metrics.leaseLost();
        return Uni.createFrom().voidItem();
    }
}
