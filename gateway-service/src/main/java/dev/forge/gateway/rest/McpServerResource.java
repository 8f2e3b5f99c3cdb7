package dev.forge.gateway.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.rest.schema.WireFormat.McpProbe;
import dev.forge.gateway.rest.schema.WireFormat.McpServer;
import dev.forge.gateway.rest.schema.WireFormat.McpServerInput;
import dev.forge.gateway.rest.schema.WireFormat.McpTools;
import dev.forge.gateway.service.McpServerService;
import io.smallrye.mutiny.Uni;

/**
 * The workspace's MCP server registry: admins register, change and remove servers; operators see them, test the
 * connection and discover tools. Auth secrets go in and never come out.
 */
@Tag(name = "mcp-servers")
@Path("/v1/mcp/servers")
@Produces(MediaType.APPLICATION_JSON)
public class McpServerResource {

    private final McpServerService servers;
    private final CallerContext caller;

    public McpServerResource(McpServerService servers, CallerContext caller) {
        this.servers = servers;
        this.caller = caller;
    }

    @Operation(operationId = "createMcpServer",
            summary = "Register an MCP server (stdio command or http url); its tools become usable in flows")
    @RequestBodySchema(McpServerInput.class)
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = McpServer.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow(Role.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(JsonNode body) {
        return servers.create(caller.workspace(), body).map(s -> Response
                .created(URI.create("/v1/mcp/servers/" + s.get("id").asText())).entity(s).build());
    }

    @Operation(operationId = "listMcpServers", summary = "The registered MCP servers")
    @APIResponse(responseCode = "200", description = "Servers",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = McpServer.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR })
    @GET
    public Uni<List<ObjectNode>> list() {
        return servers.list(caller.workspace());
    }

    @Operation(operationId = "getMcpServer", summary = "An MCP server")
    @APIResponse(responseCode = "200", description = "The server",
            content = @Content(schema = @Schema(implementation = McpServer.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return servers.get(caller.workspace(), id);
    }

    @Operation(operationId = "updateMcpServer", summary = "Change an MCP server")
    @RequestBodySchema(McpServerInput.class)
    @APIResponse(responseCode = "200", description = "The server",
            content = @Content(schema = @Schema(implementation = McpServer.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow(Role.ADMIN)
    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> update(@PathParam("id") String id, JsonNode body) {
        return servers.update(caller.workspace(), id, body);
    }

    @Operation(operationId = "deleteMcpServer", summary = "Remove an MCP server")
    @APIResponse(responseCode = "204", description = "Deleted")
    @Allow(Role.ADMIN)
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return servers.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }

    /** Test connection: initialize and tools/list now, recorded as the server's health. */
    @Operation(operationId = "testMcpServer", summary = "Connect to the server now and list its tools")
    @APIResponse(responseCode = "200", description = "What the probe found",
            content = @Content(schema = @Schema(implementation = McpProbe.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR })
    @POST
    @Path("/{id}/test")
    public Uni<ObjectNode> test(@PathParam("id") String id) {
        return servers.test(caller.workspace(), id);
    }

    /** The server's tools as flows name them ({@code mcp:<server>/<tool>}); {@code refresh=true} asks the server. */
    @Operation(operationId = "listMcpServerTools",
            summary = "The server's tools (live with refresh=true, else from the last check)")
    @APIResponse(responseCode = "200", description = "Tools",
            content = @Content(schema = @Schema(implementation = McpTools.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR })
    @GET
    @Path("/{id}/tools")
    public Uni<ObjectNode> tools(@PathParam("id") String id, @QueryParam("refresh") boolean refresh) {
        return servers.tools(caller.workspace(), id, refresh);
    }
}
