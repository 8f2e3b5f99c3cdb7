package dev.forge.monitor.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.OnVertxContext;
import dev.forge.api.repository.Rows;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * The audit log, through Hibernate Reactive with Panache. Every method is one unit of work on a Vert.x context of its
 * own ({@link OnVertxContext#isolated}): capacity alerts append from a periodic task on an event loop's root context,
 * where no session may live, and a request may audit while another repository call of it is in flight.
 */
@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntry, Long> {

    public Uni<Void> append(String actor, String role, String workspace, String action, String target,
            JsonNode details) {
        var entry = new AuditEntry();
        entry.actor = actor;
        entry.actorRole = role;
        entry.workspaceId = workspace;
        entry.action = action;
        entry.target = target;
        entry.details = details.toString();
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> persist(entry))).replaceWithVoid();
    }

    /** Newest first; {@code before} is the last id of the previous page. */
    public Uni<List<ObjectNode>> page(String action, Instant since, Long before, int limit) {
        var where = new ArrayList<String>();
        var params = new Parameters();
        if (action != null) {
            where.add("action = :action");
            params.and("action", action);
        }
        if (since != null) {
            where.add("at >= :since");
            params.and("since", since.atOffset(ZoneOffset.UTC));
        }
        if (before != null) {
            where.add("id < :before");
            params.and("before", before);
        }
        String query = where.isEmpty() ? "1 = 1" : String.join(" and ", where);
        return OnVertxContext.isolated(() -> Panache.withSession(() -> find(query,
                Sort.descending("id"), params).range(0, limit - 1).list()))
                .map(entries -> entries.stream().map(AuditRepository::view).toList());
    }

    private static ObjectNode view(AuditEntry e) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("id", e.id);
        Rows.time(n, "at", e.at);
        n.put("actor", e.actor);
        n.put("actor_role", e.actorRole);
        n.put("workspace_id", e.workspaceId);
        n.put("action", e.action);
        n.put("target", e.target);
        n.set("details", Rows.json(e.details, "details"));
        return n;
    }
}
