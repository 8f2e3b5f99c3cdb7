package dev.forge.worker.repository;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything one step commits together: the checkpoint (state after the step, whole or as a delta against the
 * previous checkpoint, and its metadata), the messages it
 * sent (communication graph), the assistant message it produced, and the run's progress; {@code waiting} when the run
 * stops after this step for a person (interrupt_after).
 */
public record StepWrite(int stepIndex, String executorId, String executorType, JsonNode output, JsonNode state,
        boolean stateIsDelta, Map<String, Object> metadata, List<Edge> edges, Integer messageSeq, JsonNode messageContent,
        String nextExecutor, List<OutgoingSignal> signals, Long consumedSignal, Waiting waiting) {

    /** A message this step sends to another session's run. */
    public record OutgoingSignal(UUID targetSession, String channel, JsonNode payload) {
    }

    /** One message between executors. */
    public record Edge(int seq, String from, String to, JsonNode message) {
    }
}
