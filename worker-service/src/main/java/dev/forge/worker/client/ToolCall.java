package dev.forge.worker.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A call the model asked for: the provider's call id (echoed with the result), the tool and its arguments. */
public record ToolCall(String id, String name, JsonNode arguments) {
}
