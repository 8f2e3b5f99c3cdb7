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

    private static final Set<String> FIELDS = Set.of("name", "description", "flow", "flow_version", "config",
            "metadata");
    /** {@code flow_version} that makes runs take the flow's version current when they are created. */
    private static final String LATEST = "latest";

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
        return create(workspace, body, UUID.randomUUID());
    }

    /** Creates the assistant under a given id (LangGraph clients may choose it). */
    public Uni<ObjectNode> create(String workspace, JsonNode body, UUID id) {
        var req = Requests.of(body, FIELDS);
        var name = req.text("name", true, 200);
        var description = req.text("description", false, 2000);
        var flowName = req.text("flow", true, 200);
        var flowVersion = req.text("flow_version", false, 200);
        var config = req.object("config");
        var metadata = req.object("metadata");
        return pinnedFlow(workspace, req, flowName, flowVersion).flatMap(pin -> {
            req.check();
            return assistants.insert(id, workspace, name.get(), description.orElse(null),
                    pin.flow().name(), pin.flow().version(), pin.followsLatest(), config, metadata);
        });
    }

    /** The flow an assistant runs: a version pinned, or the latest one at each run's creation. */
    private record Pin(FlowBlueprint flow, boolean followsLatest) {
    }

    /**
     * The flow a request names — a system flow or one of the workspace's own — at the version {@code flow_version}
     * asks for: absent, its current version, pinned; {@code latest}, its current version, followed; a version hash,
     * that version, pinned. A validation error names the known flows, an unknown version, or each model of the flow
     * that no provider serves. Null without a flow name.
     */
    private Uni<Pin> pinnedFlow(String workspace, Requests req, Optional<String> flowName,
            Optional<String> flowVersion) {
        if (flowName.isEmpty()) {
            if (flowVersion.isPresent()) {
                req.error("'flow_version' needs 'flow': name the flow it is a version of");
            }
            return Uni.createFrom().nullItem();
        }
        boolean latest = flowVersion.isEmpty() || flowVersion.get().equals(LATEST);
        Uni<Optional<FlowBlueprint>> found = latest ? flows.resolveCurrent(workspace, flowName.get())
                : flows.resolveVersion(workspace, flowName.get(), flowVersion.get());
        return found.flatMap(flow -> {
            if (flow.isPresent()) {
                models.unroutable(flow.get()).forEach(req::error);
                return Uni.createFrom().item(new Pin(flow.get(), flowVersion.map(LATEST::equals).orElse(false)));
            }
            if (!latest) {
                return flows.resolveCurrent(workspace, flowName.get()).map(current -> {
                    req.error(current.isPresent() ? "'flow_version' " + flowVersion.get() + " is not a version of flow '"
                            + flowName.get() + "' (GET /v1/flows/" + flowName.get() + "/versions lists them; or 'latest')"
                            : "'flow' names unknown flow '" + flowName.get() + "'");
                    return null;
                });
            }
            return flows.names(workspace).map(known -> {
                req.error("'flow' names unknown flow '" + flowName.get() + "' (known: " + known + ")");
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
        var flowVersion = req.text("flow_version", false, 200);
        JsonNode config = body.has("config") ? req.object("config") : null;
        JsonNode metadata = body.has("metadata") ? req.object("metadata") : null;
        if (body.size() == 0) {
            req.error("nothing to update: give at least one of " + FIELDS.stream().sorted().toList());
        }
        return pinnedFlow(workspace, req, flowName, flowVersion).flatMap(pin -> {
            req.check();
            return assistants.update(workspace, assistantId, name.orElse(null), description.orElse(null),
                    pin == null ? null : pin.flow().name(), pin == null ? null : pin.flow().version(),
                    pin == null ? null : pin.followsLatest(), config, metadata);
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
