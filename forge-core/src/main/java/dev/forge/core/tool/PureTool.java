package dev.forge.core.tool;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** A tool that only computes over its arguments: no I/O, same arguments, same answer. */
abstract class PureTool implements Tool {

    private final ToolSpec spec;

    PureTool(ToolSpec spec) {
        this.spec = spec;
    }

    @Override
    public final ToolSpec spec() {
        return spec;
    }

    @Override
    public final Uni<JsonNode> call(JsonNode arguments) {
        return Uni.createFrom().item(() -> compute(arguments));
    }

    /** The answer; bad input is a {@link ToolException}. */
    abstract JsonNode compute(JsonNode arguments);
}
