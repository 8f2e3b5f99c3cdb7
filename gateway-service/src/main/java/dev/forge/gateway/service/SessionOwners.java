package dev.forge.gateway.service;

import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.api.service.ApiProblem;

/**
 * Which assistant a run (or a schedule) in an existing session runs: the session's own, or — for a session no run has
 * bound yet (a LangGraph thread) — the one the request names.
 */
final class SessionOwners {

    private SessionOwners() {
    }

    /** True when no run has bound the session to an assistant yet. */
    static boolean unbound(JsonNode session) {
        return session.path("assistant_id").isNull() || session.path("assistant_id").isMissingNode();
    }

    static UUID owner(JsonNode session, Optional<UUID> requested) {
        String sessionId = session.get("id").asText();
        if (unbound(session)) {
            return requested.orElseThrow(() -> ApiProblem.invalid("session " + sessionId
                    + " has no assistant yet: name one with 'assistant_id'"));
        }
        var owner = UUID.fromString(session.get("assistant_id").asText());
        if (requested.isPresent() && !requested.get().equals(owner)) {
            throw ApiProblem.invalid("session " + sessionId + " belongs to assistant " + owner + ", not "
                    + requested.get());
        }
        return owner;
    }
}
