package dev.forge.worker.repository;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.queue.ClaimedJob;

/**
 * Everything one fenced write on behalf of a job changes, as data, so {@link GroupCommit} can apply the writes of many
 * runs in one transaction with one statement per table. Empty parts are skipped.
 *
 * @param runningAttempt mark the run running with this attempt (start and resume)
 * @param terminal finish the run; its session status and events then apply only if the run was still live
 * @param completeJob the job leaves the queue in this transaction
 * @param park the run waits for a person: interrupted, its job unleased until the question's deadline
 * @param clearWait the run continues after a wait: its pending question and the applied answer are cleared
 */
record JobWrite(ClaimedJob job, UUID workerId, RunRecord run, Integer runningAttempt, Terminal terminal,
        Checkpoint checkpoint, List<StepWrite.Edge> edges, List<Message> messages,
        List<StepWrite.OutgoingSignal> signals, String signalsFrom, Long consumedSignal, String sessionStatus,
        List<Event> events, boolean completeJob, Waiting park, boolean clearWait) {

    /** A checkpoint row: the whole state or, when {@code delta}, what the step changed. */
    record Checkpoint(int stepIndex, JsonNode state, boolean delta, Map<String, Object> metadata) {
    }

    /** The run's terminal status with its output or error. */
    record Terminal(String status, JsonNode output, JsonNode error) {
    }

    /** A conversation message; {@code executorId} null for the user's. */
    record Message(int seq, String role, String executorId, JsonNode content) {
    }

    /** A run event to record with the state change it reports. */
    record Event(String type, String severity, Map<String, Object> payload) {
    }

    static Builder of(ClaimedJob job, UUID workerId, RunRecord run) {
        return new Builder(job, workerId, run);
    }

    /** Collects the parts of one write. */
    static final class Builder {
        private final ClaimedJob job;
        private final UUID workerId;
        private final RunRecord run;
        private Integer runningAttempt;
        private Terminal terminal;
        private Checkpoint checkpoint;
        private List<StepWrite.Edge> edges = List.of();
        private List<Message> messages = List.of();
        private List<StepWrite.OutgoingSignal> signals = List.of();
        private String signalsFrom;
        private Long consumedSignal;
        private String sessionStatus;
        private List<Event> events = List.of();
        private boolean completeJob;
        private Waiting park;
        private boolean clearWait;

        private Builder(ClaimedJob job, UUID workerId, RunRecord run) {
            this.job = job;
            this.workerId = workerId;
            this.run = run;
        }

        Builder running(int attempt) {
            this.runningAttempt = attempt;
            return this;
        }

        Builder terminal(String status, JsonNode output, JsonNode error) {
            this.terminal = new Terminal(status, output, error);
            return this;
        }

        Builder checkpoint(int stepIndex, JsonNode state, boolean delta, Map<String, Object> metadata) {
            this.checkpoint = new Checkpoint(stepIndex, state, delta, metadata);
            return this;
        }

        Builder edges(List<StepWrite.Edge> edges) {
            this.edges = List.copyOf(edges);
            return this;
        }

        Builder messages(List<Message> messages) {
            this.messages = List.copyOf(messages);
            return this;
        }

        Builder signals(String fromExecutor, List<StepWrite.OutgoingSignal> signals, Long consumedSignal) {
            this.signalsFrom = fromExecutor;
            this.signals = List.copyOf(signals);
            this.consumedSignal = consumedSignal;
            return this;
        }

        Builder session(String status) {
            this.sessionStatus = status;
            return this;
        }

        Builder events(List<Event> events) {
            this.events = List.copyOf(events);
            return this;
        }

        Builder completeJob() {
            this.completeJob = true;
            return this;
        }

        Builder park(Waiting waiting) {
            this.park = waiting;
            return this;
        }

        Builder clearWait() {
            this.clearWait = true;
            return this;
        }

        JobWrite build() {
            return new JobWrite(job, workerId, run, runningAttempt, terminal, checkpoint, edges, messages, signals,
                    signalsFrom, consumedSignal, sessionStatus, events, completeJob, park, clearWait);
        }
    }
}
