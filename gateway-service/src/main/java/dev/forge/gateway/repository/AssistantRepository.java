package dev.forge.gateway.repository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Assistants: a named, configured use of a pinned flow version. */
@ApplicationScoped
public class AssistantRepository {

    private static final String COLUMNS = "id, workspace_id, name, description, flow_name, flow_version, "
            + "config::text AS config, metadata::text AS metadata, version, created_at, updated_at";

    private final Pool pool;

    public AssistantRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<ObjectNode> insert(UUID id, String workspace, String name, String description, String flowName,
            String flowVersion, JsonNode config, JsonNode metadata) {
        return pool.preparedQuery("INSERT INTO assistants (id, workspace_id, name, description, flow_name, "
                + "flow_version, config, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb) RETURNING "
                + COLUMNS)
                .execute(Tuple.from(List.of(id, workspace, name, description == null ? "" : description, flowName,
                        flowVersion, config.toString(), metadata.toString())))
                .map(rows -> view(rows.iterator().next()));
    }

    public Uni<Optional<ObjectNode>> find(String workspace, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM assistants WHERE id = $1 AND workspace_id = $2")
                .execute(Tuple.of(id, workspace))
                .map(rows -> Rows.first(rows, AssistantRepository::view));
    }

    public Uni<List<ObjectNode>> list(String workspace, int limit, int offset) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM assistants WHERE workspace_id = $1 "
                + "ORDER BY created_at DESC, id LIMIT $2 OFFSET $3")
                .execute(Tuple.of(workspace, limit, offset))
                .map(rows -> Rows.list(rows, AssistantRepository::view));
    }

    static ObjectNode view(Row r) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", r.getUUID("id").toString());
        node.put("workspace_id", r.getString("workspace_id"));
        node.put("name", r.getString("name"));
        node.put("description", r.getString("description"));
        node.putObject("flow").put("name", r.getString("flow_name")).put("version", r.getString("flow_version"));
        node.set("config", Rows.json(r, "config"));
        node.set("metadata", Rows.json(r, "metadata"));
        node.put("version", r.getInteger("version"));
        Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(node, "updated_at", r.getOffsetDateTime("updated_at"));
        return node;
    }
}
