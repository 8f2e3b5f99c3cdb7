package dev.forge.core.memory;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** One remembered text of a workspace, optionally namespaced by assistant and session. */
public record Memory(UUID id, String workspace, String assistantId, String sessionId, String content,
        JsonNode metadata, OffsetDateTime createdAt, OffsetDateTime expiresAt) {
}
