package dev.forge.gateway.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.rest.schema.WireFormat.Flow;
import dev.forge.gateway.rest.schema.WireFormat.FlowVersion;
import dev.forge.gateway.service.FlowService;
import dev.forge.input.InputRefused;
import dev.forge.input.StrictJson;
import io.smallrye.mutiny.Uni;

/**
 * Flows: the system flows of config/flows/ and the workspace's own, made, changed and deleted through the API. A
 * body is the flow's YAML (JSON is YAML too), checked by the same rules as the files.
 */
@Tag(name = "flows")
@Path("/v1/flows")
@Produces(MediaType.APPLICATION_JSON)
public class FlowResource {

    static final String YAML = "application/yaml";

    private final FlowService flows;
    private final CallerContext caller;

    public FlowResource(FlowService flows, CallerContext caller) {
        this.flows = flows;
        this.caller = caller;
    }

    @Operation(operationId = "listFlows", summary = "The system flows and the workspace's own")
    @APIResponse(responseCode = "200", description = "Flows",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Flow.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<List<ObjectNode>> list() {
        return flows.list(caller.workspace());
    }

    @Operation(operationId = "createFlow", summary = "Make a flow of the workspace from its YAML; version 1")
    @RequestBody(required = true, content = { @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING)),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)) })
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = Flow.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @POST
    @Consumes({ YAML, "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    public Uni<Response> create(byte[] body) {
        return flows.create(caller.workspace(), text(body)).map(f -> Response
                .created(URI.create("/v1/flows/" + f.get("name").asText())).entity(f).build());
    }

    @Operation(operationId = "validateFlow", summary = "Check a flow's YAML without saving it: every problem, with its line")
    @RequestBody(required = true, content = { @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING)),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)) })
    @APIResponse(responseCode = "200", description = "A valid flow, as it would be saved",
            content = @Content(schema = @Schema(implementation = Flow.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @POST
    @Path("/validate")
    @Consumes({ YAML, "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    public ObjectNode validate(byte[] body) {
        return flows.validate(text(body));
    }

    @Operation(operationId = "getFlow", summary = "A flow at its current version")
    @APIResponse(responseCode = "200", description = "The flow",
            content = @Content(schema = @Schema(implementation = Flow.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{name}")
    public Uni<ObjectNode> get(@PathParam("name") String name) {
        return flows.get(caller.workspace(), name);
    }

    @Operation(operationId = "updateFlow", summary = "A new version of the workspace's flow; new assistants pin it")
    @RequestBody(required = true, content = { @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING)),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)) })
    @APIResponse(responseCode = "200", description = "The flow at its new version",
            content = @Content(schema = @Schema(implementation = Flow.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @PUT
    @Path("/{name}")
    @Consumes({ YAML, "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON })
    public Uni<ObjectNode> update(@PathParam("name") String name, byte[] body) {
        return flows.update(caller.workspace(), name, text(body));
    }

    @Operation(operationId = "deleteFlow", summary = "Delete the workspace's flow (refused while an assistant or an "
            + "unfinished run uses it)")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @DELETE
    @Path("/{name}")
    public Uni<Response> delete(@PathParam("name") String name) {
        return flows.delete(caller.workspace(), name).map(x -> Response.noContent().build());
    }

    @Operation(operationId = "listFlowVersions", summary = "A flow's versions, newest first")
    @APIResponse(responseCode = "200", description = "Versions",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = FlowVersion.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{name}/versions")
    public Uni<List<ObjectNode>> versions(@PathParam("name") String name) {
        return flows.versions(caller.workspace(), name);
    }

    @Operation(operationId = "getFlowSource", summary = "One version's YAML, as it was saved")
    @APIResponse(responseCode = "200", description = "The source",
            content = @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{name}/versions/{version}/source")
    @Produces(YAML + "; charset=utf-8")
    public Uni<String> source(@PathParam("name") String name, @PathParam("version") String version) {
        return flows.source(caller.workspace(), name, version);
    }

    /** The body as text: well-formed UTF-8 only (400 otherwise); the flow's own rules do the rest. */
    private static String text(byte[] body) {
        try {
            return StrictJson.utf8(body == null ? new byte[0] : body);
        } catch (StrictJson.Malformed e) {
            throw new InputRefused(400, "malformed-body", "Malformed body", e.getMessage(), null);
        }
    }
}
