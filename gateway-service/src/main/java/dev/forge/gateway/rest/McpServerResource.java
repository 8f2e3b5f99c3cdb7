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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.service.McpServerService;
import io.smallrye.mutiny.Uni;

/**
 * The workspace's MCP server registry: admins register, change and remove servers; operators see them, test the
 * connection and discover tools. Auth secrets go in and never come out.
 */
@Path("/v1/mcp/servers")
@Produces(MediaType.APPLICATION_JSON)
public class McpServerResource {

    private final McpServerService servers;
    private final CallerContext caller;

    public McpServerResource(McpServerService servers, CallerContext caller) {
        this.servers = servers;
        this.caller = caller;
    }

    @Allow(Role.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(JsonNode body) {
        return servers.create(caller.workspace(), body).map(s -> Response
                .created(URI.create("/v1/mcp/servers/" + s.get("id").asText())).entity(s).build());
    }

    @Allow({ Role.ADMIN, Role.OPERATOR })
    @GET
    public Uni<List<ObjectNode>> list() {
        return servers.list(caller.workspace());
    }

    @Allow({ Role.ADMIN, Role.OPERATOR })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return servers.get(caller.workspace(), id);
    }

    @Allow(Role.ADMIN)
    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> update(@PathParam("id") String id, JsonNode body) {
        return servers.update(caller.workspace(), id, body);
    }

    @Allow(Role.ADMIN)
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return servers.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }

    /** Test connection: initialize and tools/list now, recorded as the server's health. */
    @Allow({ Role.ADMIN, Role.OPERATOR })
    @POST
    @Path("/{id}/test")
    public Uni<ObjectNode> test(@PathParam("id") String id) {
        return servers.test(caller.workspace(), id);
    }

    /** The server's tools as flows name them ({@code mcp:<server>/<tool>}); {@code refresh=true} asks the server. */
    @Allow({ Role.ADMIN, Role.OPERATOR })
    @GET
    @Path("/{id}/tools")
    public Uni<ObjectNode> tools(@PathParam("id") String id, @QueryParam("refresh") boolean refresh) {
        return servers.tools(caller.workspace(), id, refresh);
    }
}
