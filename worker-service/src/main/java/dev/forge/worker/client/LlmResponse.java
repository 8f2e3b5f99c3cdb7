package dev.forge.worker.client;

/** A provider's answer and what it cost. */
public record LlmResponse(String text, int inputTokens, int outputTokens, String provider) {
}
