package dev.forge.gateway.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.ApiKeyService;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import io.smallrye.mutiny.Uni;

/** Admin: API keys. The secret is in the create response only; lists never show it. */
@Path("/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Allow(Role.ADMIN)
public class ApiKeyResource {

    private final ApiKeyService keys;
    private final CallerContext caller;

    public ApiKeyResource(ApiKeyService keys, CallerContext caller) {
        this.keys = keys;
        this.caller = caller;
    }

    /** {@code {name, role, workspace_id?}} → 201 with {@code key}, shown this once. */
    @POST
    public Uni<Response> create(JsonNode body) {
        return keys.create(caller.caller(), body).map(k -> Response
                .created(URI.create("/v1/api-keys/" + k.get("id").asText())).entity(k).build());
    }

    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("workspace_id") String workspace,
            @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return keys.list(caller.caller(), workspace, Paging.limit(limit, Paging.MAX_PAGE), Paging.offset(offset));
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> revoke(@PathParam("id") String id, @QueryParam("workspace_id") String workspace) {
        return keys.revoke(caller.caller(), id, workspace).map(x -> Response.noContent().build());
    }
}
