package dev.forge.core.mcp;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * MCP tools in flows are named {@code mcp:<server>/<tool>}. Server names are slugs, so the name splits unambiguously,
 * and a model-facing form without ':' and '/' (which providers refuse in function names) maps back.
 */
public final class McpToolNames {

    public static final String PREFIX = "mcp:";
    /** Registry names: lowercase letters, digits and hyphens, starting with a letter. */
    public static final Pattern SERVER_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern TOOL_REF = Pattern.compile("mcp:([a-z][a-z0-9-]{0,62})/([A-Za-z0-9_.-]{1,128})");
    private static final String WIRE_PREFIX = "mcp__";

    /** One MCP tool a flow names. */
    public record Ref(String server, String tool) {
    }

    private McpToolNames() {
    }

    public static boolean isMcp(String name) {
        return name != null && name.startsWith(PREFIX);
    }

    public static Optional<Ref> parse(String name) {
        var m = TOOL_REF.matcher(name == null ? "" : name);
        return m.matches() ? Optional.of(new Ref(m.group(1), m.group(2))) : Optional.empty();
    }

    /** {@code mcp:files/read_file} → {@code mcp__files__read_file}; other names are kept. */
    public static String toWire(String name) {
        return parse(name).map(r -> WIRE_PREFIX + r.server() + "__" + r.tool()).orElse(name);
    }

    /** The inverse of {@link #toWire}: a server name holds no '_', so the first "__" after the prefix splits. */
    public static String fromWire(String name) {
        if (name == null || !name.startsWith(WIRE_PREFIX)) {
            return name;
        }
        String rest = name.substring(WIRE_PREFIX.length());
        int split = rest.indexOf("__");
        return split <= 0 ? name : PREFIX + rest.substring(0, split) + "/" + rest.substring(split + 2);
    }
}
