package dev.forge.gateway.service;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.gateway.repository.AssistantRepository;
import dev.forge.gateway.repository.SessionRepository;
import io.smallrye.mutiny.Uni;

/** Sessions belong to one assistant. */
@ApplicationScoped
public class SessionService {

    private static final Set<String> FIELDS = Set.of("assistant_id", "metadata");
    private static final Set<String> STATUSES = Set.of("idle", "busy", "error");

    private final SessionRepository sessions;
    private final AssistantRepository assistants;

    public SessionService(SessionRepository sessions, AssistantRepository assistants) {
        this.sessions = sessions;
        this.assistants = assistants;
    }

    public Uni<ObjectNode> create(String workspace, JsonNode body) {
        var req = Requests.of(body, FIELDS);
        var assistantId = req.uuid("assistant_id", true);
        var metadata = req.object("metadata");
        req.check();
        return assistants.find(workspace, assistantId.get())
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().failure(ApiProblem.notFound("assistant", assistantId.get()
                                .toString()));
                    }
                    return sessions.insert(UUID.randomUUID(), workspace, assistantId.get(), metadata);
                });
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return sessions.find(workspace, Requests.pathId("session", id))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("session", id)));
    }

    public Uni<List<ObjectNode>> list(String workspace, String assistantId, String status, int limit, int offset) {
        return sessions.list(workspace, Requests.queryUuid("assistant_id", assistantId),
                Requests.queryOneOf("status", status, STATUSES), limit, offset);
    }
}
