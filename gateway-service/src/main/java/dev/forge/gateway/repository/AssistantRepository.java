package dev.forge.gateway.repository;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
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
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO assistants (id, workspace_id, name, "
                + "description, flow_name, flow_version, config, metadata) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb) RETURNING " + COLUMNS)
                .execute(Tuple.from(List.of(id, workspace, name, description == null ? "" : description, flowName,
                        flowVersion, config.toString(), metadata.toString())))
                .flatMap(rows -> recordVersion(tx, id).replaceWith(view(rows.iterator().next()))));
    }

    /**
     * A new version: the given fields replace the current ones (null keeps them), version + 1, the previous version
     * kept in assistant_versions. Runs already created keep the version they pinned.
     */
    public Uni<Optional<ObjectNode>> update(String workspace, UUID id, String name, String description,
            String flowName, String flowVersion, JsonNode config, JsonNode metadata) {
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE assistants SET name = COALESCE($3, name), "
                + "description = COALESCE($4, description), flow_name = COALESCE($5, flow_name), "
                + "flow_version = COALESCE($6, flow_version), config = COALESCE($7::text::jsonb, config), "
                + "metadata = COALESCE($8::text::jsonb, metadata), version = version + 1, updated_at = now() "
                + "WHERE id = $1 AND workspace_id = $2 RETURNING " + COLUMNS)
                .execute(Tuple.from(Arrays.asList(id, workspace, name, description, flowName, flowVersion,
                        config == null ? null : config.toString(), metadata == null ? null : metadata.toString())))
                .flatMap(rows -> rows.size() == 0 ? Uni.createFrom().item(Optional.<ObjectNode>empty())
                        : recordVersion(tx, id).replaceWith(Optional.of(view(rows.iterator().next())))));
    }

    private Uni<Void> recordVersion(SqlConnection tx, UUID id) {
        return tx.preparedQuery("INSERT INTO assistant_versions (assistant_id, version, name, description, flow_name, "
                + "flow_version, config, metadata) SELECT id, version, name, description, flow_name, flow_version, "
                + "config, metadata FROM assistants WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    public Uni<List<ObjectNode>> versions(UUID id, int limit, int offset) {
        return pool.preparedQuery("SELECT assistant_id AS id, version, name, description, flow_name, flow_version, "
                + "config::text AS config, metadata::text AS metadata, created_at FROM assistant_versions "
                + "WHERE assistant_id = $1 ORDER BY version DESC LIMIT $2 OFFSET $3").execute(Tuple.of(id, limit,
                        offset))
                .map(rows -> Rows.list(rows, r -> {
                    var node = JsonNodeFactory.instance.objectNode();
                    node.put("assistant_id", r.getUUID("id").toString());
                    node.put("version", r.getInteger("version"));
                    node.put("name", r.getString("name"));
                    node.put("description", r.getString("description"));
                    node.putObject("flow").put("name", r.getString("flow_name"))
                            .put("version", r.getString("flow_version"));
                    node.set("config", Rows.json(r, "config"));
                    node.set("metadata", Rows.json(r, "metadata"));
                    Rows.time(node, "created_at", r.getOffsetDateTime("created_at"));
                    return node;
                }));
    }

    /** Unfinished runs of the assistant, which block deleting it. */
    public Uni<Long> unfinishedRuns(String workspace, UUID id) {
        return pool.preparedQuery("SELECT count(*) FROM runs WHERE assistant_id = $1 AND workspace_id = $2 "
                + "AND status IN ('pending', 'running')").execute(Tuple.of(id, workspace))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Optional<ObjectNode>> find(String workspace, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM assistants WHERE id = $1 AND workspace_id = $2")
                .execute(Tuple.of(id, workspace))
                .map(rows -> Rows.first(rows, AssistantRepository::view));
    }

    /** Newest first; {@code namePrefix} matches literally (no wildcards), {@code metadata} by JSON containment. */
    public Uni<List<ObjectNode>> list(String workspace, String namePrefix, JsonNode metadata, int limit, int offset) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM assistants WHERE workspace_id = $1 "
                + "AND ($2::text IS NULL OR starts_with(lower(name), lower($2))) "
                + "AND ($3::text IS NULL OR metadata @> $3::text::jsonb) "
                + "ORDER BY created_at DESC, id LIMIT $4 OFFSET $5")
                .execute(Tuple.from(Arrays.asList(workspace, namePrefix,
                        metadata == null ? null : metadata.toString(), limit, offset)))
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
