package dev.forge.gateway.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.service.AssistantService;
import dev.forge.core.auth.Role;
import dev.forge.gateway.security.Allow;
import dev.forge.gateway.security.CallerContext;
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
    public Uni<List<ObjectNode>> list(@QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return assistants.list(caller.workspace(), Paging.limit(limit, config.maxPageSize()), Paging.offset(offset));
    }

    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return assistants.get(caller.workspace(), id);
    }
}
