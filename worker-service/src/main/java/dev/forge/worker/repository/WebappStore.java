package dev.forge.worker.repository;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The runner's side of the webapp tables: its registration and heartbeat, the apps assigned to it, their state, the
 * deployment history and their output. Called from the runner's own threads (never an event loop), so it waits.
 */
@ApplicationScoped
public class WebappStore {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A webapp as defined in the webapps table. */
    public record Webapp(String slug, String name, String type, String gitUrl, String branch, UUID artifactId,
            String path, String command, Integer port, Map<String, String> env, UUID runnerId, String desired) {
    }

    /** An uploaded artifact: where its bytes are and what they must hash to. */
    public record Artifact(String storageKey, String sha256, String contentType, long sizeBytes) {
    }

    /** One line of output, to be stored. */
    public record LogRecord(String slug, Instant at, String stream, String line) {
    }

    private final Pool pool;

    public WebappStore(Pool pool) {
        this.pool = pool;
    }

    public void register(UUID id, String host, String grpcAddress, String httpUrl, List<String> capabilities,
            String version) {
        pool.preparedQuery("INSERT INTO runners (id, host, grpc_address, http_url, capabilities, version, status) "
                + "VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, 'active') ON CONFLICT (id) DO UPDATE SET host = $2, "
                + "grpc_address = $3, http_url = $4, capabilities = $5::text::jsonb, version = $6, status = 'active', "
                + "started_at = now(), heartbeat_at = now()")
                .execute(Tuple.from(List.of(id, host, grpcAddress, httpUrl, new JsonArray(capabilities).encode(),
                        version)))
                .await().atMost(WAIT);
    }

    public void heartbeat(UUID id, int activeWebapps) {
        pool.preparedQuery("UPDATE runners SET active_webapps = $2, heartbeat_at = now() WHERE id = $1")
                .execute(Tuple.of(id, activeWebapps)).await().atMost(WAIT);
    }

    public void stopped(UUID id) {
        pool.preparedQuery("UPDATE runners SET status = 'stopped', active_webapps = 0, heartbeat_at = now() "
                + "WHERE id = $1").execute(Tuple.of(id)).await().atMost(WAIT);
    }

    public Optional<Webapp> find(String slug) {
        var rows = pool.preparedQuery("SELECT * FROM webapps WHERE slug = $1").execute(Tuple.of(slug))
                .await().atMost(WAIT);
        return rows.size() == 0 ? Optional.empty() : Optional.of(webapp(rows.iterator().next()));
    }

    /** The apps this runner should be running (after a restart of the runner). */
    public List<Webapp> wanted(UUID runner) {
        var out = new ArrayList<Webapp>();
        pool.preparedQuery("SELECT * FROM webapps WHERE runner_id = $1 AND desired = 'running' ORDER BY slug")
                .execute(Tuple.of(runner)).await().atMost(WAIT).forEach(r -> out.add(webapp(r)));
        return out;
    }

    public Optional<Artifact> artifact(UUID id) {
        var rows = pool.preparedQuery("SELECT storage_key, sha256, content_type, size_bytes FROM artifacts "
                + "WHERE id = $1").execute(Tuple.of(id)).await().atMost(WAIT);
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()).map(r -> new Artifact(
                r.getString("storage_key"), r.getString("sha256"), r.getString("content_type"),
                r.getLong("size_bytes")));
    }

    public void state(String slug, String state, String commit) {
        pool.preparedQuery("UPDATE webapps SET state = $2, deployed_commit = COALESCE($3, deployed_commit), "
                + "updated_at = now() WHERE slug = $1").execute(Tuple.of(slug, state, commit)).await().atMost(WAIT);
    }

    /** Opens a history entry; its id. */
    public long deploymentStarted(String slug, UUID runner, String trigger) {
        return pool.preparedQuery("INSERT INTO webapp_deployments (slug, runner_id, trigger) VALUES ($1, $2, $3) "
                + "RETURNING id").execute(Tuple.of(slug, runner, trigger)).await().atMost(WAIT).iterator().next()
                .getLong(0);
    }

    public void deploymentFinished(long id, String commit, String outcome, String message) {
        pool.preparedQuery("UPDATE webapp_deployments SET commit = COALESCE($2, commit), outcome = $3, message = $4, "
                + "finished_at = now(), duration_ms = (extract(epoch FROM now() - started_at) * 1000)::bigint "
                + "WHERE id = $1").execute(Tuple.of(id, commit, outcome, message)).await().atMost(WAIT);
    }

    public void logs(List<LogRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        // lines of an app deleted meanwhile are dropped rather than failing the batch on the foreign key; ids follow
        // the batch's order (ORDER BY n: the semi-join may be a hash join, which hands the rows back reversed)
        pool.preparedQuery("INSERT INTO webapp_logs (slug, at, stream, line) SELECT l.slug, l.at, l.stream, l.line "
                + "FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) WITH ORDINALITY "
                + "AS l(slug, at, stream, line, n) WHERE EXISTS (SELECT 1 FROM webapps w WHERE w.slug = l.slug) "
                + "ORDER BY l.n")
                .execute(Tuple.of(records.stream().map(LogRecord::slug).toArray(String[]::new),
                        records.stream().map(r -> r.at().atOffset(ZoneOffset.UTC))
                                .toArray(OffsetDateTime[]::new),
                        records.stream().map(LogRecord::stream).toArray(String[]::new),
                        records.stream().map(LogRecord::line).toArray(String[]::new)))
                .await().atMost(WAIT);
    }

    private static Webapp webapp(Row r) {
        var env = new LinkedHashMap<String, String>();
        Object raw = r.getValue("env");
        if (raw instanceof JsonObject json) {
            json.forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
        }
        return new Webapp(r.getString("slug"), r.getString("name"), r.getString("type"), r.getString("git_url"),
                r.getString("branch"), r.getUUID("artifact_id"), r.getString("path"), r.getString("command"), r.getInteger("port"), env,
                r.getUUID("runner_id"), r.getString("desired"));
    }
}
