package dev.forge.cli.live;

import java.util.ArrayList;
import java.util.List;

import dev.forge.proto.agent.v1.RunEvent;

/**
 * What is known of a followed run from its events: its status, each step begun and ended, the text the model streamed
 * into the running step. Events arrive on the stream's thread, the display reads on its own: methods are synchronized.
 */
final class RunProgress {

    private final String runId;
    private final long since;
    private final List<StepLine> steps = new ArrayList<>();
    private String status = "pending";
    private String waitingFor;
    /** When the terminal event arrived; 0 while the run goes on. */
    private long endedAt;

    RunProgress(String runId, long since) {
        this.runId = runId;
        this.since = since;
    }

    synchronized void apply(RunEvent event, long now) {
        var data = event.getData().getFieldsMap();
        String executor = data.containsKey("executor") ? data.get("executor").getStringValue() : null;
        switch (event.getType()) {
            case "run.started", "run.resumed", "run.recovered" -> {
                status = "running";
                waitingFor = null;
            }
            case "step.started" -> {
                var current = current();
                if (current == null || !current.executor.equals(executor)) {
                    steps.add(new StepLine(executor, (int) data.get("step").getNumberValue(), now));
                }
            }
            case "step.completed" -> {
                var step = find(executor);
                if (step == null) {
                    step = new StepLine(executor, (int) data.get("step").getNumberValue(), now);
                    steps.add(step);
                }
                step.durationMs = data.containsKey("duration_ms") && data.get("duration_ms").hasNumberValue()
                        ? (long) data.get("duration_ms").getNumberValue() : now - step.startedAtMillis;
            }
            case "message.delta" -> {
                var step = find(executor);
                if (step != null) {
                    step.streamed.append(data.get("delta").getStringValue());
                }
            }
            case "run.interrupted" -> {
                status = "interrupted";
                waitingFor = executor;
            }
            case "run.succeeded", "run.failed", "run.cancelled", "run.timed_out" -> {
                status = event.getType().substring(4);
                endedAt = now;
                var current = current();
                if (current != null && current.running()) {
                    current.durationMs = now - current.startedAtMillis;
                    current.failed = !status.equals("succeeded");
                }
            }
            default -> {
                // run.created, message, run.cancel_requested: nothing changes on screen
            }
        }
    }

    private StepLine current() {
        return steps.isEmpty() ? null : steps.get(steps.size() - 1);
    }

    private StepLine find(String executor) {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).executor.equals(executor)) {
                return steps.get(i);
            }
        }
        return null;
    }

    synchronized Snapshot snapshot() {
        var copy = new ArrayList<StepView>();
        for (var s : steps) {
            copy.add(new StepView(s.executor, s.startedAtMillis, s.durationMs, s.failed, s.streamed.toString()));
        }
        return new Snapshot(runId, status, since, endedAt, waitingFor, copy);
    }

    record StepView(String executor, long startedAtMillis, long durationMs, boolean failed, String streamed) {
        boolean running() {
            return durationMs < 0;
        }
    }

    record Snapshot(String runId, String status, long since, long endedAt, String waitingFor,
            List<StepView> steps) {

        /** Time since following began, stopped when the run ended. */
        long elapsed(long now) {
            return (endedAt > 0 ? endedAt : now) - since;
        }
    }
}
