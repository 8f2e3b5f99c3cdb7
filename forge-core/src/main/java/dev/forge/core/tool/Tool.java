package dev.forge.core.tool;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * A callable tool. Arguments arrive checked against {@link ToolSpec#parameters()}; failures are
 * {@link ToolException}s.
 */
public interface Tool {

    ToolSpec spec();

    /** Must not block the calling thread. */
    Uni<JsonNode> call(JsonNode arguments);
}
