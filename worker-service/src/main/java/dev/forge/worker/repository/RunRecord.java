package dev.forge.worker.repository;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** The parts of a run row the Coordinator needs. */
public record RunRecord(UUID id, UUID sessionId, String workspaceId, String status, JsonNode input,
        JsonNode overrides, String flowName, String flowVersion, OffsetDateTime startedAt, boolean cancelRequested) {

    public boolean terminal() {
        return !status.equals("pending") && !status.equals("running");
    }
}
