package dev.forge.core.tool;

import static dev.forge.core.tool.JsonSchemas.object;
import static dev.forge.core.tool.JsonSchemas.properties;
import static dev.forge.core.tool.JsonSchemas.property;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;


/**
 * {@code regex_extract}: the matches of a Java regular expression in a text (one group of each, every match or the
 * first). A pattern that backtracks for more than a second is stopped rather than left to hold a thread.
 */
public final class RegexExtractTool extends PureTool {

    public static final String NAME = "regex_extract";
    private static final long BUDGET_NANOS = 1_000_000_000L;
    private static final int MAX_MATCHES = 1000;

    private static final ToolSpec SPEC = new ToolSpec(NAME, "Extracts the matches of a regular expression (Java "
            + "syntax) from a text: every match, or the first; the whole match or one group.",
            object(properties()
                    .<ObjectNode>set("text", property("string", "The text to search"))
                    .<ObjectNode>set("pattern", property("string", "The regular expression").put("maxLength", 1000))
                    .<ObjectNode>set("group", property("integer",
                            "Which group of each match to return (0: the whole match)").put("minimum", 0))
                    .<ObjectNode>set("all", property("boolean", "Every match (default) or only the first"))
                    .set("ignore_case", property("boolean", "Case-insensitive matching")), "text", "pattern"),
            true);

    public RegexExtractTool() {
        super(SPEC);
    }

    @Override
    JsonNode compute(JsonNode arguments) {
        return extract(arguments);
    }

    private static JsonNode extract(JsonNode args) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(args.get("pattern").asText(),
                    args.path("ignore_case").asBoolean(false) ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        } catch (PatternSyntaxException e) {
            throw new ToolException(ToolException.Kind.INVALID_ARGUMENTS, "the pattern is not a valid regular "
                    + "expression: " + e.getDescription() + " near index " + e.getIndex());
        }
        int group = args.path("group").asInt(0);
        if (group > pattern.matcher("").groupCount()) {
            throw new ToolException(ToolException.Kind.INVALID_ARGUMENTS, "the pattern has "
                    + pattern.matcher("").groupCount() + " group(s); group " + group + " does not exist");
        }
        boolean all = args.path("all").asBoolean(true);
        var out = JsonNodeFactory.instance.objectNode();
        var matches = out.putArray("matches");
        var matcher = pattern.matcher(new Budgeted(args.get("text").asText(), System.nanoTime() + BUDGET_NANOS));
        try {
            while (matcher.find() && matches.size() < MAX_MATCHES) {
                String value = matcher.group(group);
                if (value == null) {
                    matches.addNull();
                } else {
                    matches.add(value);
                }
                if (!all) {
                    break;
                }
            }
        } catch (BudgetExceeded e) {
            throw new ToolException(ToolException.Kind.REFUSED, "the pattern backtracked for over a second; "
                    + "simplify it");
        }
        out.put("count", matches.size());
        return out;
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }

    /** The text as the matcher reads it, refusing to be read past the deadline (checked every 4096 reads). */
    private static final class Budgeted implements CharSequence {
        private final String text;
        private final long deadline;
        private int reads;

        Budgeted(String text, long deadline) {
            this.text = text;
            this.deadline = deadline;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 0xfff) == 0 && System.nanoTime() > deadline) {
                throw new BudgetExceeded();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.substring(start, end), deadline);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
