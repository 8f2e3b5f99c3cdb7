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

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.service.AssistantService;
import io.smallrye.mutiny.Uni;

@Path("/v1/assistants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AssistantResource {

    private final AssistantService assistants;
    private final GatewayConfig config;
    private final CallerContext caller;

    public AssistantResource(AssistantService assistants, GatewayConfig config, CallerContext caller) {
        this.caller = caller;
        this.assistants = assistants;
        this.config = config;
    }

    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @POST
    public Uni<Response> create(JsonNode body) {
        return assistants.create(caller.workspace(), body).map(a -> Response
                .created(URI.create("/v1/assistants/" + a.get("id").asText())).entity(a).build());
    }

    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("name") String name, @QueryParam("metadata") String metadata,
            @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return assistants.list(caller.workspace(), name, metadata, Paging.limit(limit, config.maxPageSize()),
                Paging.offset(offset));
    }

    /** A new version of the assistant (version + 1); runs keep the version they started with. */
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @PATCH
    @Path("/{id}")
    public Uni<ObjectNode> update(@PathParam("id") String id, JsonNode body) {
        return assistants.update(caller.workspace(), id, body);
    }

    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}/versions")
    public Uni<List<ObjectNode>> versions(@PathParam("id") String id, @QueryParam("limit") Integer limit,
            @QueryParam("offset") Integer offset) {
        return assistants.versions(caller.workspace(), id, Paging.limit(limit, config.maxPageSize()),
                Paging.offset(offset));
    }

    /** Deletes the assistant with its sessions and finished runs; 409 while a run of it is unfinished. */
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return assistants.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }

    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return assistants.get(caller.workspace(), id);
    }
}
