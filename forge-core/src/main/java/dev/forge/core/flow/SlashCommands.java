package dev.forge.core.flow;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a run's input carries a slash command ({@code /extract-tables pages=1-3 ...}): the input itself when it is
 * text, or its {@code text} or {@code message} field. The gateway checks the command when the run is created; the
 * worker resolves and pins it when the run starts.
 */
public final class SlashCommands {

    private SlashCommands() {
    }

    /** The command line, when the input starts with a slash followed by a letter. */
    public static Optional<String> in(JsonNode input) {
        if (input == null) {
            return Optional.empty();
        }
        JsonNode text = input.isTextual() ? input : input.isObject()
                ? (input.path("text").isTextual() ? input.get("text") : input.path("message")) : null;
        if (text == null || !text.isTextual()) {
            return Optional.empty();
        }
        String line = text.asText().strip();
        return line.length() > 1 && line.charAt(0) == '/' && Character.isLetter(line.charAt(1)) ? Optional.of(line)
                : Optional.empty();
    }
}
