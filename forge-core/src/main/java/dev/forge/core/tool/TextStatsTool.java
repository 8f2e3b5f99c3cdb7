package dev.forge.core.tool;

import static dev.forge.core.tool.JsonSchemas.object;
import static dev.forge.core.tool.JsonSchemas.properties;
import static dev.forge.core.tool.JsonSchemas.property;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;


/** {@code text_stats}: characters, words, sentences, lines, paragraphs, average word length and reading time. */
public final class TextStatsTool extends PureTool {

    public static final String NAME = "text_stats";
    /** Words per minute of an average adult silent reader. */
    private static final int READING_WPM = 238;

    private static final ToolSpec SPEC = new ToolSpec(NAME, "Counts characters, words, sentences, lines and "
            + "paragraphs of a text, with average word length and an estimated reading time.",
            object(properties().set("text", property("string", "The text to measure")), "text"), true);

    public TextStatsTool() {
        super(SPEC);
    }

    @Override
    JsonNode compute(JsonNode arguments) {
        return stats(arguments.get("text").asText());
    }

    static JsonNode stats(String text) {
        String trimmed = text.strip();
        String[] words = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
        long letters = 0;
        for (String w : words) {
            letters += w.codePoints().filter(Character::isLetterOrDigit).count();
        }
        int sentences = trimmed.isEmpty() ? 0 : Math.max(1, trimmed.split("[.!?]+(\\s+|$)").length);
        int lines = text.isEmpty() ? 0 : (int) text.lines().count();
        int paragraphs = trimmed.isEmpty() ? 0 : trimmed.split("\\n\\s*\\n").length;
        var out = JsonNodeFactory.instance.objectNode();
        out.put("characters", text.codePointCount(0, text.length()));
        out.put("words", words.length);
        out.put("sentences", sentences);
        out.put("lines", lines);
        out.put("paragraphs", paragraphs);
        out.put("average_word_length", words.length == 0 ? 0.0
                : Math.round(letters * 100.0 / words.length) / 100.0);
        out.put("reading_seconds", Math.round(words.length * 60.0 / READING_WPM));
        return out;
    }
}
