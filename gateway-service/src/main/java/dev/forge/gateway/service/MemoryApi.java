package dev.forge.gateway.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.json.JsonValues;
import dev.forge.core.memory.Memory;
import dev.forge.core.memory.MemoryFilter;
import dev.forge.core.memory.MemoryService;
import dev.forge.gateway.repository.AssistantRepository;
import dev.forge.gateway.repository.SessionRepository;
import io.smallrye.mutiny.Uni;

/** The memory API of a workspace: put, get, list, delete and semantic search, validated. */
@ApplicationScoped
public class MemoryApi {

    private static final Set<String> PUT_FIELDS = Set.of("content", "assistant_id", "session_id", "metadata",
            "ttl_seconds");
    private static final Set<String> SEARCH_FIELDS = Set.of("query", "k", "assistant_id", "session_id");
    private static final int MAX_K = 50;

    private final MemoryService memories;
    private final AssistantRepository assistants;
    private final SessionRepository sessions;

    public MemoryApi(MemoryService memories, AssistantRepository assistants, SessionRepository sessions) {
        this.memories = memories;
        this.assistants = assistants;
        this.sessions = sessions;
    }

    public Uni<ObjectNode> put(String workspace, JsonNode body) {
        var req = Requests.of(body, PUT_FIELDS);
        var content = req.text("content", true, memories.maxContentChars());
        var assistant = req.uuid("assistant_id", false);
        var session = req.uuid("session_id", false);
        var metadata = req.object("metadata");
        Duration ttl = null;
        if (body.has("ttl_seconds")) {
            var t = body.get("ttl_seconds");
            if (!t.canConvertToLong() || !t.isIntegralNumber() || t.asLong() < 1) {
                req.error("'ttl_seconds' must be a whole number of seconds, at least 1");
            } else {
                ttl = Duration.ofSeconds(t.asLong());
            }
        }
        req.check();
        Duration expiry = ttl;
        return references(workspace, assistant, session).flatMap(ok -> memories.remember(null, workspace,
                assistant.map(UUID::toString).orElse(null), session.map(UUID::toString).orElse(null), content.get(),
                metadata, expiry)).map(MemoryApi::view);
    }

    /**
     * A memory names an assistant and a session of the caller's workspace, as runs do (404 otherwise), and the
     * session, when both are named, is the assistant's (422): nothing is written for a reference that is not.
     */
    private Uni<Boolean> references(String workspace, Optional<UUID> assistant,
            Optional<UUID> session) {
        Uni<Boolean> checked = Uni.createFrom().item(true);
        if (assistant.isPresent()) {
            checked = assistants.find(workspace, assistant.get()).map(found -> found.map(a -> true)
                    .orElseThrow(() -> ApiProblem.notFound("assistant", assistant.get().toString())));
        }
        if (session.isEmpty()) {
            return checked;
        }
        return checked.flatMap(ok -> sessions.find(workspace, session.get())).map(found -> {
            var s = found.orElseThrow(() -> ApiProblem.notFound("session", session.get().toString()));
            if (assistant.isPresent() && !assistant.get().toString().equals(s.path("assistant_id").asText())) {
                throw ApiProblem.invalid("'session_id' is a session of another assistant");
            }
            return true;
        });
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return memories.get(workspace, Requests.pathId("memory", id))
                .map(found -> view(found.orElseThrow(() -> ApiProblem.notFound("memory", id))));
    }

    public Uni<List<ObjectNode>> list(String workspace, String assistant, String session, int limit, int offset) {
        var filter = new MemoryFilter(assistant == null ? null : Requests.queryUuid("assistant_id", assistant)
                .toString(), session == null ? null : Requests.queryUuid("session_id", session).toString());
        return memories.list(workspace, filter, limit, offset)
                .map(all -> all.stream().map(MemoryApi::view).toList());
    }

    public Uni<Void> delete(String workspace, String id) {
        UUID memory = Requests.pathId("memory", id);
        return memories.forget(workspace, memory).map(deleted -> {
            if (!deleted) {
                throw ApiProblem.notFound("memory", id);
            }
            return null;
        });
    }

    /** The k memories most similar to the query, best first, with their cosine similarity. */
    public Uni<ObjectNode> search(String workspace, JsonNode body) {
        var req = Requests.of(body, SEARCH_FIELDS);
        var query = req.text("query", true, memories.maxContentChars());
        var assistant = req.uuid("assistant_id", false).map(UUID::toString);
        var session = req.uuid("session_id", false).map(UUID::toString);
        int k = 5;
        if (body.has("k")) {
            var kn = body.get("k");
            if (!kn.isIntegralNumber() || kn.asInt() < 1 || kn.asInt() > MAX_K) {
                req.error("'k' must be a whole number from 1 to " + MAX_K);
            } else {
                k = kn.asInt();
            }
        }
        req.check();
        int top = k;
        return memories.indexKind().flatMap(kind -> memories.recall(workspace, query.get(),
                new MemoryFilter(assistant.orElse(null), session.orElse(null)), top).map(hits -> {
                    var out = JsonValues.MAPPER.createObjectNode();
                    out.put("index", kind);
                    var results = out.putArray("results");
                    hits.forEach(h -> {
                        var v = view(h.memory());
                        v.put("score", Math.round(h.score() * 10_000) / 10_000.0);
                        results.add(v);
                    });
                    return out;
                }));
    }

    static ObjectNode view(Memory m) {
        var out = JsonValues.MAPPER.createObjectNode();
        out.put("id", m.id().toString());
        out.put("assistant_id", m.assistantId());
        out.put("session_id", m.sessionId());
        out.put("content", m.content());
        out.set("metadata", m.metadata());
        out.put("created_at", m.createdAt().toInstant().toString());
        out.put("expires_at", m.expiresAt() == null ? null : m.expiresAt().toInstant().toString());
        return out;
    }
}
