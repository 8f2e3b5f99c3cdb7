package dev.forge.monitor.repository;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which log records: services (any of), minimum level, run, trace, workspace, text contained in the message, time
 * range. A developer's filter always carries their workspace.
 */
public record LogFilter(List<String> services, String minLevel, UUID runId, String traceId, String workspace,
        String text, Instant since, Instant until) {

    public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    /** The levels at or above the minimum. */
    public List<String> levels() {
        if (minLevel == null) {
            return List.of();
        }
        return LEVELS.subList(LEVELS.indexOf(minLevel), LEVELS.size());
    }

    /** The same test as the SQL, for live records. */
    public boolean matches(JsonNode log) {
        return (services.isEmpty() || services.contains(log.path("service").asText()))
                && (levels().isEmpty() || levels().contains(log.path("level").asText()))
                && (runId == null || runId.toString().equals(log.path("run_id").asText(null)))
                && (traceId == null || traceId.equals(log.path("trace_id").asText(null)))
                && (workspace == null || workspace.equals(log.path("workspace_id").asText(null)))
                && (text == null || log.path("message").asText().toLowerCase(Locale.ROOT)
                        .contains(text.toLowerCase(Locale.ROOT)))
                && (since == null || !Instant.parse(log.path("logged_at").asText()).isBefore(since))
                && (until == null || Instant.parse(log.path("logged_at").asText()).isBefore(until));
    }

    /** The criteria, for the audit log. */
    public ObjectNode json() {
        var n = JsonNodeFactory.instance.objectNode();
        var s = n.putArray("services");
        services.forEach(s::add);
        n.put("level", minLevel);
        n.put("run_id", runId == null ? null : runId.toString());
        n.put("trace_id", traceId);
        n.put("workspace_id", workspace);
        n.put("q", text);
        n.put("since", since == null ? null : since.toString());
        n.put("until", until == null ? null : until.toString());
        return n;
    }
}
