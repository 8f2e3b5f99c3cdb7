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
import dev.forge.gateway.service.RunService;
import dev.forge.gateway.service.SessionService;
import io.smallrye.mutiny.Uni;

@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionService sessions;
    private final RunService runs;
    private final GatewayConfig config;

    public SessionResource(SessionService sessions, RunService runs, GatewayConfig config) {
        this.sessions = sessions;
        this.runs = runs;
        this.config = config;
    }

    @POST
    public Uni<Response> create(JsonNode body) {
        return sessions.create(Workspaces.DEFAULT, body).map(s -> Response
                .created(URI.create("/sessions/" + s.get("id").asText())).entity(s).build());
    }

    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("assistant_id") String assistantId,
            @QueryParam("status") String status, @QueryParam("limit") Integer limit,
            @QueryParam("offset") Integer offset) {
        return sessions.list(Workspaces.DEFAULT, assistantId, status, Paging.limit(limit, config.maxPageSize()),
                Paging.offset(offset));
    }

    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return sessions.get(Workspaces.DEFAULT, id);
    }

    /** A run in this session: it executes after the session's earlier runs, never beside them. */
    @POST
    @Path("/{id}/runs")
    public Uni<Response> createRun(@PathParam("id") String id, JsonNode body) {
        return runs.create(Workspaces.DEFAULT, body, id).map(RunResource::accepted);
    }

    @GET
    @Path("/{id}/runs")
    public Uni<List<ObjectNode>> listRuns(@PathParam("id") String id, @QueryParam("status") String status,
            @QueryParam("limit") Integer limit) {
        return sessions.get(Workspaces.DEFAULT, id).flatMap(s -> runs.list(Workspaces.DEFAULT, id, status,
                Paging.limit(limit, config.maxPageSize())));
    }
}
