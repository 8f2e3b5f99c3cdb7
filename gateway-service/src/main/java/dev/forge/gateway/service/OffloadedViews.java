package dev.forge.gateway.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.core.artifact.OffloadedValues;
import io.smallrye.mutiny.Uni;

/**
 * API views of stored run data (checkpoints, messages, edges) with offloaded values put back, so clients never see
 * the S3 references workers store in place of large outputs.
 */
@ApplicationScoped
public class OffloadedViews {

    private static final Logger LOG = Logger.getLogger(OffloadedViews.class);

    private final OffloadedValues offloaded;

    public OffloadedViews(OffloadedValues offloaded) {
        this.offloaded = offloaded;
    }

    public Uni<List<ObjectNode>> resolve(List<ObjectNode> views) {
        return offloaded.resolveAll(List.<JsonNode>copyOf(views))
                .map(list -> list.stream().map(ObjectNode.class::cast).toList())
                .onFailure().transform(OffloadedViews::unavailable);
    }

    public Uni<ObjectNode> resolve(ObjectNode view) {
        return resolve(List.of(view)).map(list -> list.get(0));
    }

    private static Throwable unavailable(Throwable e) {
        LOG.warnf("Offloaded values could not be read: %s", e.getMessage());
        return new ApiProblem(503, "storage-unavailable", "Storage unavailable",
                "part of this run's data is in the artifact store, which could not be read; try again later", null);
    }
}
