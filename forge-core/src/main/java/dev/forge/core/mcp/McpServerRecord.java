package dev.forge.core.mcp;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A registered MCP server of one workspace, as stored: how to reach it, its auth header (the secret encrypted), and
 * what the last health check found.
 *
 * @param authSecret the header value, AES-GCM sealed to this row ({@code mcp:<id>}); null when there is none
 */
public record McpServerRecord(UUID id, String workspace, String name, McpTransport transport, String url,
        String command, List<String> args, String authHeader, byte[] authSecret, String status,
        OffsetDateTime lastCheckedAt, String lastError, Integer latencyMs, JsonNode serverInfo, JsonNode tools,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** What binds this server's sealed secret to its row. */
    public String secretBinding() {
        return "mcp:" + id;
    }

    /** The flow-facing name of one of this server's tools. */
    public String toolName(String tool) {
        return McpToolNames.PREFIX + name + "/" + tool;
    }
}
