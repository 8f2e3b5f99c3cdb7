package dev.forge.core.mcp;

import java.util.Arrays;
import java.util.Optional;

/** How an MCP server is reached. */
public enum McpTransport {
    /** A child process speaking JSON-RPC on stdin/stdout. */
    STDIO("stdio"),
    /** One HTTP endpoint (POST, optionally answered as a stream) — the current MCP transport. */
    STREAMABLE_HTTP("streamable_http"),
    /** The 2024-11-05 transport: an SSE stream plus a POST endpoint it announces. */
    SSE("sse");

    private final String wire;

    McpTransport(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<McpTransport> fromWire(String value) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst();
    }
}
