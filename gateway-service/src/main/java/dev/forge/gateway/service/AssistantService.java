package dev.forge.gateway.service;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.config.LlmRoutingConfig;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.flow.ModelRoutes;
import dev.forge.gateway.repository.AssistantRepository;
import io.smallrye.mutiny.Uni;

/** Assistants pin the flow version current when they are created. */
@ApplicationScoped
public class AssistantService {

    private static final Set<String> FIELDS = Set.of("name", "description", "flow", "config", "metadata");

    private final AssistantRepository assistants;
    private final FlowService flows;
    private final Deleter deleter;
    private final ModelRoutes models;

    public AssistantService(AssistantRepository assistants, FlowService flows, Deleter deleter,
            LlmRoutingConfig routing) {
        this.assistants = assistants;
        this.flows = flows;
        this.deleter = deleter;
        this.models = ModelRoutes.of(routing);
    }

    public Uni<ObjectNode> create(String workspace, JsonNode body) {
        var req = Requests.of(body, FIELDS);
        var name = req.text("name", true, 200);
        var description = req.text("description", false, 2000);
        var flowName = req.text("flow", true, 200);
        var config = req.object("config");
        var metadata = req.object("metadata");
        return pinnedFlow(workspace, req, flowName).flatMap(flow -> {
            req.check();
            return assistants.insert(UUID.randomUUID(), workspace, name.get(), description.orElse(null), flow.name(),
                    flow.version(), config, metadata);
        });
    }

    /**
     * The flow a request names at its current version — a system flow or one of the workspace's own — or a
     * validation error naming the known ones, or each model of the flow that no provider serves. Null without a name.
     */
    private Uni<FlowBlueprint> pinnedFlow(String workspace, Requests req, Optional<String> flowName) {
        if (flowName.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return flows.resolveCurrent(workspace, flowName.get()).flatMap(found -> {
            if (found.isPresent()) {
                models.unroutable(found.get()).forEach(req::error);
                return Uni.createFrom().item(found.get());
            }
            return flows.list(workspace).map(known -> {
                req.error("'flow' names unknown flow '" + flowName.get() + "' (known: "
                        + known.stream().map(f -> f.get("name").asText()).toList() + ")");
                return null;
            });
        });
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return assistants.find(workspace, Requests.pathId("assistant", id))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("assistant", id)));
    }

    public Uni<List<ObjectNode>> list(String workspace, String name, String metadata, int limit, int offset) {
        return assistants.list(workspace, name == null || name.isBlank() ? null : name,
                Requests.queryJsonObject("metadata", metadata), limit, offset);
    }

    /** A new version of the assistant; {@code flow} re-pins to that flow's current version. */
    public Uni<ObjectNode> update(String workspace, String id, JsonNode body) {
        UUID assistantId = Requests.pathId("assistant", id);
        var req = Requests.of(body, FIELDS);
        var name = req.text("name", false, 200);
        var description = req.text("description", false, 2000);
        var flowName = req.text("flow", false, 200);
        JsonNode config = body.has("config") ? req.object("config") : null;
        JsonNode metadata = body.has("metadata") ? req.object("metadata") : null;
        if (body.size() == 0) {
            req.error("nothing to update: give at least one of " + FIELDS.stream().sorted().toList());
        }
        return pinnedFlow(workspace, req, flowName).flatMap(pinned -> {
            req.check();
            return assistants.update(workspace, assistantId, name.orElse(null), description.orElse(null),
                    pinned == null ? null : pinned.name(), pinned == null ? null : pinned.version(), config,
                    metadata);
        }).map(found -> found.orElseThrow(() -> ApiProblem.notFound("assistant", id)));
    }

    public Uni<List<ObjectNode>> versions(String workspace, String id, int limit, int offset) {
        return get(workspace, id).flatMap(a -> assistants.versions(UUID.fromString(id), limit, offset));
    }

    /** Deletes the assistant with its sessions and runs; refused (409) while any of its runs is unfinished. */
    public Uni<Void> delete(String workspace, String id) {
        return get(workspace, id).flatMap(a -> assistants.unfinishedRuns(workspace, UUID.fromString(id)))
                .flatMap(unfinished -> {
                    if (unfinished > 0) {
                        throw new ApiProblem(409, "has-unfinished-runs", "Assistant busy", "assistant " + id
                                + " has " + unfinished + " unfinished run(s); cancel them first", null);
                    }
                    return deleter.deleteAssistant(workspace, UUID.fromString(id));
                });
    }
}
