package dev.forge.monitor.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which events: by run, workflow (flow name), types and severities (any of), source gateway, workspace and time
 * range; every part optional.
 */
public record EventFilter(UUID runId, String workflow, List<String> types, List<String> severities, String gateway,
        String workspace, Instant since, Instant until) {

    public static EventFilter none() {
        return new EventFilter(null, null, List.of(), List.of(), null, null, null, null);
    }

    /** The same test as the SQL, for live events. */
    public boolean matches(JsonNode event) {
        return (runId == null || runId.toString().equals(event.path("run_id").asText(null)))
                && (workflow == null || workflow.equals(event.path("workflow").asText(null)))
                && (types.isEmpty() || types.contains(event.path("type").asText()))
                && (severities.isEmpty() || severities.contains(event.path("severity").asText()))
                && (gateway == null || gateway.equals(event.path("gateway_id").asText(null)))
                && (workspace == null || workspace.equals(event.path("workspace_id").asText(null)))
                && (since == null || !Instant.parse(event.path("created_at").asText()).isBefore(since))
                && (until == null || Instant.parse(event.path("created_at").asText()).isBefore(until));
    }
}
