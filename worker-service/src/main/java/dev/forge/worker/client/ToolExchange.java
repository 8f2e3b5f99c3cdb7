package dev.forge.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A tool call and what came of it, as the model is told on its next turn: the result, or an error message (a refused
 * host, bad arguments, a timeout) the model can react to.
 */
public record ToolExchange(ToolCall call, JsonNode result, String error) {

    /** The text the model reads as the tool's answer. */
    public String content() {
        return error != null ? "{\"error\": " + TextNode.valueOf(error) + "}"
                : result.toString();
    }
}
