package dev.forge.gateway.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.auth.Role;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.gateway.rest.schema.WireFormat.Flow;

/** The system flows this gateway loaded. */
@Tag(name = "flows")
@Path("/v1/flows")
@Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
@Produces(MediaType.APPLICATION_JSON)
public class FlowResource {

    private final FlowCatalog flows;

    public FlowResource(FlowCatalog flows) {
        this.flows = flows;
    }

    @Operation(operationId = "listFlows", summary = "The loaded flows")
    @APIResponse(responseCode = "200", description = "Flows",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Flow.class)))
    @GET
    public List<ObjectNode> list() {
        return flows.all().stream().map(FlowResource::view).toList();
    }

    @Operation(operationId = "getFlow", summary = "A loaded flow")
    @APIResponse(responseCode = "200", description = "The flow",
            content = @Content(schema = @Schema(implementation = Flow.class)))
    @GET
    @Path("/{name}")
    public ObjectNode get(@PathParam("name") String name) {
        return flows.current(name).map(FlowResource::view).orElseThrow(() -> ApiProblem.notFound("flow", name));
    }

    static ObjectNode view(FlowBlueprint f) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("name", f.name());
        node.put("version", f.version());
        node.put("description", f.description());
        node.put("routing_policy", f.routingPolicy().yamlName());
        node.put("timeout_s", f.timeout() == null ? null : f.timeout().toSeconds());
        var executors = node.putArray("executors");
        f.executors().forEach(e -> {
            var x = executors.addObject().put("id", e.id()).put("type", e.type().yamlName());
            if (e.model() != null) {
                x.put("model", e.model());
            }
            var targets = x.putArray("targets");
            e.targets().forEach(targets::add);
        });
        return node;
    }
}
