package dev.forge.monitor.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Capacity samples per gateway, for trend charts. */
@ApplicationScoped
public class CapacitySampleRepository {

    private final Pool pool;

    public CapacitySampleRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(String gateway, int capacity, int used, double utilization, String health) {
        return pool.preparedQuery("INSERT INTO capacity_samples (gateway_id, capacity, used, utilization_percent, "
                + "health) VALUES ($1, $2, $3, $4, $5)").execute(Tuple.of(gateway, capacity, used, utilization, health))
                .replaceWithVoid();
    }

    /** Oldest first, so a chart can draw them as they come. */
    public Uni<List<ObjectNode>> since(String gateway, Instant since, int limit) {
        return pool.preparedQuery("SELECT * FROM (SELECT gateway_id, sampled_at, capacity, used, utilization_percent, "
                + "health FROM capacity_samples WHERE ($1::text IS NULL OR gateway_id = $1) AND sampled_at >= $2 "
                + "ORDER BY sampled_at DESC LIMIT $3) newest ORDER BY sampled_at")
                .execute(Tuple.from(Arrays.asList(gateway, since.atOffset(ZoneOffset.UTC), limit)))
                .map(rows -> Rows.list(rows, r -> {
                    var n = JsonNodeFactory.instance.objectNode();
                    n.put("gateway_id", r.getString("gateway_id"));
                    Rows.time(n, "sampled_at", r.getOffsetDateTime("sampled_at"));
                    n.put("capacity", r.getInteger("capacity"));
                    n.put("used", r.getInteger("used"));
                    n.put("utilization_percent", r.getDouble("utilization_percent"));
                    n.put("health", r.getString("health"));
                    return n;
                }));
    }

    public Uni<Integer> prune(Instant olderThan) {
        return pool.preparedQuery("DELETE FROM capacity_samples WHERE sampled_at < $1")
                .execute(Tuple.of(olderThan.atOffset(ZoneOffset.UTC))).map(rows -> rows.rowCount());
    }
}
