package dev.forge.gateway.service;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.gateway.repository.AssistantRepository;
import io.smallrye.mutiny.Uni;

/** Assistants pin the flow version current when they are created. */
@ApplicationScoped
public class AssistantService {

    private static final Set<String> FIELDS = Set.of("name", "description", "flow", "config", "metadata");

    private final AssistantRepository assistants;
    private final FlowCatalog flows;

    public AssistantService(AssistantRepository assistants, FlowCatalog flows) {
        this.assistants = assistants;
        this.flows = flows;
    }

    public Uni<ObjectNode> create(String workspace, JsonNode body) {
        var req = Requests.of(body, FIELDS);
        var name = req.text("name", true, 200);
        var description = req.text("description", false, 2000);
        var flowName = req.text("flow", true, 200);
        var config = req.object("config");
        var metadata = req.object("metadata");
        FlowBlueprint flow = null;
        if (flowName.isPresent()) {
            flow = flows.current(flowName.get()).orElse(null);
            if (flow == null) {
                req.error("'flow' names unknown flow '" + flowName.get() + "' (known: "
                        + flows.all().stream().map(FlowBlueprint::name).toList() + ")");
            }
        }
        req.check();
        return assistants.insert(UUID.randomUUID(), workspace, name.get(), description.orElse(null), flow.name(),
                flow.version(), config, metadata);
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return assistants.find(workspace, Requests.pathId("assistant", id))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("assistant", id)));
    }

    public Uni<List<ObjectNode>> list(String workspace, int limit, int offset) {
        return assistants.list(workspace, limit, offset);
    }
}
