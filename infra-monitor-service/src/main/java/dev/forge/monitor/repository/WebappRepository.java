package dev.forge.monitor.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
import io.vertx.mutiny.sqlclient.Tuple;

/** Webapps, their runners, deployment history and stored output (the tables runners write too). */
@ApplicationScoped
public class WebappRepository {

    /** A runner as registered: where to reach it and what it can host. */
    public record Runner(UUID id, String host, String grpcAddress, String httpUrl, List<String> capabilities,
            int activeWebapps, String version, String status, double silentSeconds) {
    }

    /** What a new webapp is. */
    public record NewWebapp(String slug, String name, String type, String gitUrl, String branch, UUID artifactId,
            String path, String command, Integer port, JsonNode env, UUID runner, String createdBy) {
    }

    private final Pool pool;

    public WebappRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<Runner>> runners() {
        return pool.query("SELECT *, capabilities::text AS capabilities_json, extract(epoch FROM now() - heartbeat_at) AS silent FROM runners "
                + "ORDER BY started_at").execute().map(rows -> Rows.list(rows, WebappRepository::runner));
    }

    public Uni<Optional<Runner>> runner(UUID id) {
        return pool.preparedQuery("SELECT *, capabilities::text AS capabilities_json, extract(epoch FROM now() - heartbeat_at) AS silent FROM runners "
                + "WHERE id = $1").execute(Tuple.of(id)).map(rows -> Rows.first(rows, WebappRepository::runner));
    }

    /** Inserts the webapp; false when the slug is taken. */
    public Uni<Boolean> insert(NewWebapp w) {
        return pool.preparedQuery("INSERT INTO webapps (slug, name, type, git_url, branch, artifact_id, path, command, "
                + "port, env, runner_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, $11, "
                + "$12) ON CONFLICT (slug) DO NOTHING")
                .execute(Tuple.from(Arrays.asList(w.slug(), w.name(), w.type(), w.gitUrl(), w.branch(),
                        w.artifactId(), w.path(), w.command(), w.port(), w.env().toString(), w.runner(),
                        w.createdBy())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The content type of an artifact of the workspace, if it exists there. */
    public Uni<Optional<String>> artifactType(UUID id, String workspace) {
        return pool.preparedQuery("SELECT content_type FROM artifacts WHERE id = $1 AND workspace_id = $2")
                .execute(Tuple.of(id, workspace)).map(rows -> Rows.first(rows, r -> r.getString(0)));
    }

    public Uni<Void> delete(String slug) {
        return pool.preparedQuery("DELETE FROM webapps WHERE slug = $1").execute(Tuple.of(slug)).replaceWithVoid();
    }

    public Uni<Void> desired(String slug, String desired) {
        return pool.preparedQuery("UPDATE webapps SET desired = $2, updated_at = now() WHERE slug = $1")
                .execute(Tuple.of(slug, desired)).replaceWithVoid();
    }

    public Uni<Optional<ObjectNode>> find(String slug) {
        return pool.preparedQuery("SELECT *, env::text AS env_json FROM webapps WHERE slug = $1").execute(Tuple.of(slug))
                .map(rows -> Rows.first(rows, WebappRepository::webapp));
    }

    public Uni<List<ObjectNode>> list() {
        return pool.query("SELECT *, env::text AS env_json FROM webapps ORDER BY slug").execute()
                .map(rows -> Rows.list(rows, WebappRepository::webapp));
    }

    public Uni<List<ObjectNode>> deployments(String slug, int limit) {
        return pool.preparedQuery("SELECT * FROM webapp_deployments WHERE slug = $1 ORDER BY id DESC LIMIT $2")
                .execute(Tuple.of(slug, limit)).map(rows -> Rows.list(rows, WebappRepository::deployment));
    }

    /** Stored output, newest first; {@code before} an id for the next page. */
    public Uni<List<ObjectNode>> logs(String slug, Long before, int limit) {
        return pool.preparedQuery("SELECT * FROM webapp_logs WHERE slug = $1 AND ($2::bigint IS NULL OR id < $2) "
                + "ORDER BY id DESC LIMIT $3").execute(Tuple.of(slug, before, limit))
                .map(rows -> Rows.list(rows, WebappRepository::logLine));
    }

    public Uni<Integer> pruneLogs(Instant olderThan) {
        return pool.preparedQuery("DELETE FROM webapp_logs WHERE at < $1")
                .execute(Tuple.of(olderThan.atOffset(ZoneOffset.UTC))).map(rows -> rows.rowCount());
    }

    private static ObjectNode deployment(Row r) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("id", r.getLong("id"));
        n.put("trigger", r.getString("trigger"));
        n.put("commit", r.getString("commit"));
        n.put("outcome", r.getString("outcome"));
        n.put("message", r.getString("message"));
        n.put("runner_id", r.getUUID("runner_id").toString());
        Rows.time(n, "started_at", r.getOffsetDateTime("started_at"));
        Rows.time(n, "finished_at", r.getOffsetDateTime("finished_at"));
        n.put("duration_ms", r.getLong("duration_ms"));
        return n;
    }

    private static ObjectNode logLine(Row r) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("id", r.getLong("id"));
        Rows.time(n, "at", r.getOffsetDateTime("at"));
        n.put("stream", r.getString("stream"));
        n.put("line", r.getString("line"));
        return n;
    }

    private static Runner runner(Row r) {
        var caps = new ArrayList<String>();
        Rows.json(r, "capabilities_json").forEach(c -> caps.add(c.asText()));
        return new Runner(r.getUUID("id"), r.getString("host"), r.getString("grpc_address"), r.getString("http_url"),
                caps, r.getInteger("active_webapps"), r.getString("version"), r.getString("status"),
                r.getDouble("silent"));
    }

    private static ObjectNode webapp(Row r) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("slug", r.getString("slug"));
        n.put("name", r.getString("name"));
        n.put("type", r.getString("type"));
        var source = n.putObject("source");
        if (r.getString("git_url") != null) {
            source.put("git_url", r.getString("git_url")).put("branch", r.getString("branch"));
        } else {
            source.put("artifact_id", r.getUUID("artifact_id").toString());
        }
        source.put("path", r.getString("path"));
        n.put("command", r.getString("command"));
        n.put("port", r.getInteger("port"));
        // variable names only: values may be secrets
        var names = n.putArray("env");
        Rows.json(r, "env_json").fieldNames().forEachRemaining(names::add);
        n.put("runner_id", r.getUUID("runner_id").toString());
        n.put("desired", r.getString("desired"));
        n.put("state", r.getString("state"));
        n.put("deployed_commit", r.getString("deployed_commit"));
        n.put("created_by", r.getString("created_by"));
        Rows.time(n, "created_at", r.getOffsetDateTime("created_at"));
        Rows.time(n, "updated_at", r.getOffsetDateTime("updated_at"));
        return n;
    }
}
