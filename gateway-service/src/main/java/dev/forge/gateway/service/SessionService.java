package dev.forge.gateway.service;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
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
    private final Deleter deleter;
    private final OffloadedViews views;

    public SessionService(SessionRepository sessions, AssistantRepository assistants, Deleter deleter,
            OffloadedViews views) {
        this.views = views;
        this.sessions = sessions;
        this.assistants = assistants;
        this.deleter = deleter;
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

    public Uni<List<ObjectNode>> list(String workspace, String assistantId, String status, String metadata,
            int limit, int offset) {
        return sessions.list(workspace, Requests.queryUuid("assistant_id", assistantId),
                Requests.queryOneOf("status", status, STATUSES), Requests.queryJsonObject("metadata", metadata),
                limit, offset);
    }

    /** Deletes the session with its runs; refused (409) while one of them is unfinished. */
    public Uni<Void> delete(String workspace, String id) {
        return get(workspace, id).flatMap(s -> deleter.deleteSession(workspace, UUID.fromString(id)));
    }

    /** Every message of the session's runs, in order. */
    public Uni<List<ObjectNode>> messages(String workspace, String id) {
        return get(workspace, id).flatMap(s -> sessions.messages(UUID.fromString(id))).flatMap(views::resolve);
    }
}
