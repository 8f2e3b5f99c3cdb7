package dev.forge.worker.service;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.worker.repository.StepWrite;

/**
 * What one executor step produced: its output, the messages it sends on, an assistant message to store (llm), token
 * usage and details for the checkpoint's metadata.
 */
record StepResult(JsonNode output, List<Emit> emits, String assistantText, int inputTokens, int outputTokens,
        Map<String, Object> details, List<StepWrite.OutgoingSignal> signals,
        Long consumedSignal) {

    StepResult(JsonNode output, List<Emit> emits, String assistantText, int inputTokens, int outputTokens,
            Map<String, Object> details) {
        this(output, emits, assistantText, inputTokens, outputTokens, details, List.of(), null);
    }

    StepResult withDetails(Map<String, Object> newDetails) {
        return new StepResult(output, emits, assistantText, inputTokens, outputTokens, newDetails, signals,
                consumedSignal);
    }

    /** A message to another executor. */
    record Emit(String to, JsonNode payload) {
    }
}
