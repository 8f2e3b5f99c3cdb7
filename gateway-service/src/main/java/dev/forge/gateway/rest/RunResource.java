package dev.forge.gateway.rest;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.rest.schema.WireFormat.Checkpoint;
import dev.forge.gateway.rest.schema.WireFormat.ForkRequest;
import dev.forge.gateway.rest.schema.WireFormat.Message;
import dev.forge.gateway.rest.schema.WireFormat.RejectRequest;
import dev.forge.gateway.rest.schema.WireFormat.ReplayRequest;
import dev.forge.gateway.rest.schema.WireFormat.ResumeRequest;
import dev.forge.gateway.rest.schema.WireFormat.Run;
import dev.forge.gateway.rest.schema.WireFormat.RunCreate;
import dev.forge.gateway.service.RunControls;
import dev.forge.gateway.service.RunCreation;
import dev.forge.gateway.service.RunQueries;
import dev.forge.gateway.service.WaitingRuns;
import io.smallrye.mutiny.Uni;

@Tag(name = "runs")
@Path("/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RunResource {

    private final RunCreation creation;
    private final RunQueries queries;
    private final RunControls controls;
    private final GatewayConfig config;
    private final CallerContext caller;
    private final WaitingRuns waiting;

    public RunResource(RunCreation creation, RunQueries queries, RunControls controls, GatewayConfig config,
            CallerContext caller, WaitingRuns waiting) {
        this.caller = caller;
        this.waiting = waiting;
        this.creation = creation;
        this.queries = queries;
        this.controls = controls;
        this.config = config;
    }

    /** Creates a background run: 202 with the run and its Location; a new session is made when none is named. */
    @Operation(operationId = "createRun", summary = "Create a background run; a new session is made when none is named")
    @RequestBodySchema(RunCreate.class)
    @APIResponse(responseCode = "202", description = "Run created (pending)",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "200",
            description = "An idempotent retry: the original run (Idempotent-Replayed: true)",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    public Uni<Response> create(JsonNode body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return creation.create(caller.workspace(), body, null, idempotencyKey).map(RunResource::accepted);
    }

    /** 202 for a new run; 200 with {@code Idempotent-Replayed: true} when a retried request answers the original. */
    static Response accepted(RunCreation.Created created) {
        return accepted(created.run(), created.replayed());
    }

    private static Response accepted(ObjectNode run, boolean replayed) {
        var response = replayed ? Response.ok(run).header("Idempotent-Replayed", "true") : Response.accepted(run);
        return response.location(URI.create("/v1/runs/" + run.get("id").asText())).build();
    }

    /**
     * Creates a run and answers once it has ended: 200 with the finished run, or — when {@code timeout} seconds
     * (default 60, at most 300) pass first — 202 with the run as it is and {@code Forge-Wait-Timed-Out: true}.
     */
    @Operation(operationId = "createRunAndWait",
            summary = "Create a run and answer when it ends (or at the timeout, 202)")
    @RequestBodySchema(RunCreate.class)
    @APIResponse(responseCode = "200", description = "The ended run",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "202", description = "Still running at the timeout (Forge-Wait-Timed-Out: true)",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/wait")
    public Uni<Response> createAndWait(JsonNode body, @QueryParam("timeout") Integer timeoutSeconds,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        int timeout = timeoutSeconds == null ? 60 : timeoutSeconds;
        if (timeout < 1 || timeout > 300) {
            throw ApiProblem.invalid("timeout must be between 1 and 300 seconds");
        }
        String workspace = caller.workspace();
        return creation.create(workspace, body, null, idempotencyKey)
                .flatMap(created -> queries.awaitTerminal(workspace, created.run().get("id").asText(),
                        Duration.ofSeconds(timeout)))
                .map(run -> {
                    var status = run.get("status").asText();
                    var location = URI.create("/v1/runs/" + run.get("id").asText());
                    if (status.equals("pending") || status.equals("running")) { // interrupted: answered now
                        return Response.accepted(run).location(location).header("Forge-Wait-Timed-Out", "true")
                                .build();
                    }
                    return Response.ok(run).location(location).build();
                });
    }

    /**
     * Cancels a run. A pending run never starts; a running run stops within a second and ends cancelled; a finished
     * run answers 409. With {@code wait=true} the answer comes once the run has ended (up to 10 s).
     */
    @Operation(operationId = "cancelRun", summary = "Cancel a run; with wait=true answer once it has ended")
    @APIResponse(responseCode = "200", description = "The run",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    public Uni<ObjectNode> cancel(@PathParam("id") String id, @QueryParam("wait") boolean wait) {
        return controls.cancel(caller.workspace(), id).flatMap(run -> wait
                ? queries.awaitTerminal(caller.workspace(), id, Duration.ofSeconds(10))
                : Uni.createFrom().item(run));
    }

    /**
     * Answers a run that waits for a person: {@code {"value": …, "state": {"input", "outputs"}, "goto": "<executor>"}}.
     * A human executor's value is checked against its question's schema (422); a run that is not waiting is 409. With
     * an Idempotency-Key a retry answers the run again (200, Idempotent-Replayed: true).
     */
    @Operation(operationId = "resumeRun", summary = "Answer a waiting (interrupted) run and let it go on")
    @RequestBodySchema(ResumeRequest.class)
    @APIResponse(responseCode = "202", description = "Answered; the run goes on",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "200", description = "An idempotent retry (Idempotent-Replayed: true)",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/{id}/resume")
    public Uni<Response> resume(@PathParam("id") String id, JsonNode body,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return waiting.resume(caller.caller(), id, body, idempotencyKey)
                .map(answered -> accepted(answered.run(), answered.replayed()));
    }

    /** Rejects a waiting run: it ends cancelled with the reason ({@code {"reason": "…"}}, optional). */
    @Operation(operationId = "rejectRun", summary = "Reject a waiting (interrupted) run; it ends cancelled")
    @RequestBodySchema(RejectRequest.class)
    @APIResponse(responseCode = "200", description = "The cancelled run",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/{id}/reject")
    public Uni<ObjectNode> reject(@PathParam("id") String id, JsonNode body) {
        return waiting.reject(caller.caller(), id, body);
    }

    @Operation(operationId = "listRuns",
            summary = "List runs, newest first; the next cursor in Forge-Next-Cursor and Link")
    @APIResponse(responseCode = "200", description = "Runs",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Run.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<Response> list(@QueryParam("session_id") String sessionId, @QueryParam("status") String status,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit, @Context UriInfo uri) {
        return queries.list(caller.workspace(), sessionId, status, cursor, Paging.limit(limit, config.maxPageSize()))
                .map(page -> page(page, uri));
    }

    /** A page as a JSON array; the next page's cursor in {@code Forge-Next-Cursor} and a {@code Link: rel=next}. */
    static Response page(RunQueries.Page page, UriInfo uri) {
        var response = Response.ok(page.items());
        if (page.nextCursor() != null) {
            var next = uri.getRequestUriBuilder().replaceQueryParam("cursor", page.nextCursor()).build();
            response.header("Forge-Next-Cursor", page.nextCursor()).header("Link", "<" + next.getRawPath()
                    + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery()) + ">; rel=\"next\"");
        }
        return response.build();
    }

    /** Deletes a finished run with its checkpoints, messages and graph; 409 while it is unfinished. */
    @Operation(operationId = "deleteRun", summary = "Delete a finished run with its checkpoints, messages and graph")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return controls.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }

    @Operation(operationId = "getRun", summary = "A run")
    @APIResponse(responseCode = "200", description = "The run",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return queries.get(caller.workspace(), id);
    }

    /** Every checkpoint of the run, in step order, with the full state at that step. */
    @Operation(operationId = "listCheckpoints", summary = "A run's checkpoints, one per step")
    @APIResponse(responseCode = "200", description = "Checkpoints",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Checkpoint.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}/checkpoints")
    public Uni<List<ObjectNode>> checkpoints(@PathParam("id") String id) {
        return queries.checkpoints(caller.workspace(), id);
    }

    @Operation(operationId = "listRunMessages", summary = "A run's messages, in order")
    @APIResponse(responseCode = "200", description = "Messages",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Message.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}/messages")
    public Uni<List<ObjectNode>> messages(@PathParam("id") String id) {
        return queries.messages(caller.workspace(), id);
    }

    /**
     * The communication graph: every message between executors, in order, as JSON (default), or as Mermaid
     * ({@code format=mermaid}) or Graphviz DOT ({@code format=dot}) text for rendering.
     */
    @Operation(operationId = "getRunGraph", summary = "The run's route over its flow: json edges, mermaid or dot")
    @APIResponse(responseCode = "200", description = "The graph in the asked format")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}/graph")
    @Produces({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    public Uni<Response> graph(@PathParam("id") String id, @QueryParam("format") String format) {
        String f = format == null ? "json" : format;
        return switch (f) {
            case "json" -> queries.graph(caller.workspace(), id)
                    .map(edges -> Response.ok(edges, MediaType.APPLICATION_JSON_TYPE).build());
            case "mermaid", "dot" -> queries.graphText(caller.workspace(), id, f)
                    .map(text -> Response.ok(text, f.equals("dot") ? "text/vnd.graphviz; charset=utf-8"
                            : "text/vnd.mermaid; charset=utf-8").build());
            default -> throw ApiProblem.invalid("format must be json, mermaid or dot");
        };
    }

    /** Time travel: the full state after step N. */
    @Operation(operationId = "getCheckpoint", summary = "A run's checkpoint at a step")
    @APIResponse(responseCode = "200", description = "The checkpoint",
            content = @Content(schema = @Schema(implementation = Checkpoint.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}/checkpoints/{step}")
    public Uni<ObjectNode> checkpoint(@PathParam("id") String id, @PathParam("step") String step) {
        int n;
        try {
            n = Integer.parseInt(step);
        } catch (NumberFormatException e) {
            throw ApiProblem.notFound("checkpoint", step);
        }
        return queries.checkpoint(caller.workspace(), id, n);
    }

    /**
     * Fork: a new run continuing from this run's state at {@code step}, with {@code overrides} (merged over the
     * parent's) — {@code {"step": 1, "overrides": {...}, "new_session": false}}. 202 with the new run.
     */
    @Operation(operationId = "forkRun", summary = "A new run from a checkpoint of this one, optionally with overrides")
    @RequestBodySchema(ForkRequest.class)
    @APIResponse(responseCode = "202", description = "The forked run (pending)",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/{id}/fork")
    public Uni<Response> fork(@PathParam("id") String id, JsonNode body) {
        return creation.fork(caller.workspace(), id, body, false).map(RunResource::accepted);
    }

    /** Replay: re-execute everything after {@code step} with the parent's exact configuration, as a new run. */
    @Operation(operationId = "replayRun", summary = "Run again from a checkpoint with the same blueprint")
    @RequestBodySchema(ReplayRequest.class)
    @APIResponse(responseCode = "202", description = "The replayed run (pending)",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/{id}/replay")
    public Uni<Response> replay(@PathParam("id") String id, JsonNode body) {
        return creation.fork(caller.workspace(), id, body, true).map(RunResource::accepted);
    }
}
