package dev.forge.core.tool;

import java.util.List;

/**
 * The tools Forge ships. The pure ones are here; {@code http_fetch} needs the worker's HTTP client and allowlist and
 * lives there, but its name is known here so flows can be checked anywhere.
 */
public final class BuiltinTools {

    public static final String HTTP_FETCH = "http_fetch";

    private BuiltinTools() {
    }

    /** The tools that need nothing but their arguments. */
    public static List<Tool> pure() {
        return List.of(new TextStatsTool(), new RegexExtractTool(), new JsonPathTool(), new CalculatorTool());
    }

    /** Every built-in tool's name. */
    public static List<String> names() {
        return List.of(TextStatsTool.NAME, RegexExtractTool.NAME, JsonPathTool.NAME, CalculatorTool.NAME, HTTP_FETCH);
    }
}
