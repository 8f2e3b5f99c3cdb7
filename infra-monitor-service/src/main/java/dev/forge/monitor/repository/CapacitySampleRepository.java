package dev.forge.monitor.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

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
 * Capacity samples per gateway, for trend charts, through Hibernate Reactive with Panache. The capacity round samples
 * every gateway at once from a periodic task: each call runs on a context of its own ({@link OnVertxContext#isolated})
 * so no two share a session.
 */
@ApplicationScoped
public class CapacitySampleRepository implements PanacheRepositoryBase<CapacitySample, Long> {

    public Uni<Void> insert(String gateway, int capacity, int used, double utilization, String health) {
        var sample = new CapacitySample();
        sample.gatewayId = gateway;
        sample.capacity = capacity;
        sample.used = used;
        sample.utilizationPercent = utilization;
        sample.health = health;
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> persist(sample))).replaceWithVoid();
    }

    /** The newest {@code limit} samples since the instant, oldest first, so a chart can draw them as they come. */
    public Uni<List<ObjectNode>> since(String gateway, Instant since, int limit) {
        var params = Parameters.with("since", since.atOffset(ZoneOffset.UTC));
        String query = "sampledAt >= :since";
        if (gateway != null) {
            query += " and gatewayId = :gateway";
            params.and("gateway", gateway);
        }
        String where = query;
        return OnVertxContext.isolated(() -> Panache.withSession(() -> find(where, Sort.descending("sampledAt"),
                params).range(0, limit - 1).list())).map(newestFirst -> {
                    var samples = new ArrayList<>(newestFirst);
                    Collections.reverse(samples);
                    return samples.stream().map(CapacitySampleRepository::view).toList();
                });
    }

    public Uni<Integer> prune(Instant olderThan) {
        return OnVertxContext.isolated(() -> Panache.withTransaction(() -> delete("sampledAt < ?1",
                olderThan.atOffset(ZoneOffset.UTC)))).map(Long::intValue);
    }

    private static ObjectNode view(CapacitySample s) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("gateway_id", s.gatewayId);
        Rows.time(n, "sampled_at", s.sampledAt);
        n.put("capacity", s.capacity);
        n.put("used", s.used);
        n.put("utilization_percent", s.utilizationPercent);
        n.put("health", s.health);
        return n;
    }
}
