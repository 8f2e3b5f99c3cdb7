package dev.forge.worker.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.telemetry.logging.RunLogs;

/**
 * The parts of a run row the Coordinator needs ({@code traceParent}: the creating request's W3C trace, if any;
 * {@code resume}: a person's answer to the question the run waits on, not yet applied).
 */
public record RunRecord(UUID id, UUID sessionId, UUID assistantId, String workspaceId, String status, JsonNode input,
        JsonNode overrides, String flowName, String flowVersion, OffsetDateTime startedAt, boolean cancelRequested,
        List<Artifact> artifacts, String traceParent, JsonNode resume) {

    /** An artifact the run's request referenced: metadata, and where its bytes are. */
    public record Artifact(String id, String name, String contentType, long sizeBytes, String sha256,
            String storageKey) {
    }

    /** What this run's log lines carry (RunLogs). */
    public RunLogs.Run logContext() {
        return new RunLogs.Run(id, workspaceId, traceParent);
    }

    public boolean terminal() {
        return !status.equals("pending") && !status.equals("running") && !status.equals("interrupted");
    }
}
