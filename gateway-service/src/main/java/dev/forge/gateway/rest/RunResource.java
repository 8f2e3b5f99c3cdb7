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
import io.smallrye.mutiny.Uni;

@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RunResource {

    private final RunService runs;
    private final GatewayConfig config;

    public RunResource(RunService runs, GatewayConfig config) {
        this.runs = runs;
        this.config = config;
    }

    /** Creates a background run: 202 with the run and its Location; a new session is made when none is named. */
    @POST
    public Uni<Response> create(JsonNode body) {
        return runs.create(Workspaces.DEFAULT, body, null).map(RunResource::accepted);
    }

    static Response accepted(ObjectNode run) {
        return Response.accepted(run).location(URI.create("/runs/" + run.get("id").asText())).build();
    }

    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("session_id") String sessionId, @QueryParam("status") String status,
            @QueryParam("limit") Integer limit) {
        return runs.list(Workspaces.DEFAULT, sessionId, status, Paging.limit(limit, config.maxPageSize()));
    }

    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return runs.get(Workspaces.DEFAULT, id);
    }

    /** Every checkpoint of the run, in step order, with the full state at that step. */
    @GET
    @Path("/{id}/checkpoints")
    public Uni<List<ObjectNode>> checkpoints(@PathParam("id") String id) {
        return runs.checkpoints(Workspaces.DEFAULT, id);
    }

    @GET
    @Path("/{id}/messages")
    public Uni<List<ObjectNode>> messages(@PathParam("id") String id) {
        return runs.messages(Workspaces.DEFAULT, id);
    }

    /** The communication graph: every message between executors, in order. */
    @GET
    @Path("/{id}/graph")
    public Uni<List<ObjectNode>> graph(@PathParam("id") String id) {
        return runs.graph(Workspaces.DEFAULT, id);
    }
}
