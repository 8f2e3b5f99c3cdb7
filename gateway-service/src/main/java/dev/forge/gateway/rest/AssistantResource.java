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
import io.smallrye.mutiny.Uni;

@Path("/assistants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AssistantResource {

    private final AssistantService assistants;
    private final GatewayConfig config;

    public AssistantResource(AssistantService assistants, GatewayConfig config) {
        this.assistants = assistants;
        this.config = config;
    }

    @POST
    public Uni<Response> create(JsonNode body) {
        return assistants.create(Workspaces.DEFAULT, body).map(a -> Response
                .created(URI.create("/assistants/" + a.get("id").asText())).entity(a).build());
    }

    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return assistants.list(Workspaces.DEFAULT, Paging.limit(limit, config.maxPageSize()), Paging.offset(offset));
    }

    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return assistants.get(Workspaces.DEFAULT, id);
    }
}
