package dev.forge.gateway.service;

import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One durable run event; {@code id} is monotonic per run and is the SSE event id. */
public record RunEvent(long id, UUID runId, String type, String severity, ObjectNode payload, String createdAt) {

    private static final Set<String> TERMINAL = Set.of("run.succeeded", "run.failed", "run.cancelled",
            "run.timed_out");

    public boolean terminal() {
        return TERMINAL.contains(type);
    }
}
