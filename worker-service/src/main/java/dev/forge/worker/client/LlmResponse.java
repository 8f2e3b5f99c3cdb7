package dev.forge.worker.client;

import java.util.List;

/**
 * A provider's answer and what it cost: either text (the final message) or tool calls the model wants made before it
 * answers.
 */
public record LlmResponse(String text, int inputTokens, int outputTokens, String provider, List<ToolCall> toolCalls) {

    public LlmResponse {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public LlmResponse(String text, int inputTokens, int outputTokens, String provider) {
        this(text, inputTokens, outputTokens, provider, List.of());
    }
}
