package dev.forge.core.tool;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a tool is to a model and to a flow: its name, what it does, and a JSON Schema of its arguments (an object).
 *
 * @param deterministic the same arguments always give the same result, so results may be cached
 */
public record ToolSpec(String name, String description, JsonNode parameters, boolean deterministic) {
}
