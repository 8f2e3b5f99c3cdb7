package dev.forge.gateway.rest;

import java.net.URI;
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
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.rest.schema.WireFormat.Message;
import dev.forge.gateway.rest.schema.WireFormat.Run;
import dev.forge.gateway.rest.schema.WireFormat.Session;
import dev.forge.gateway.rest.schema.WireFormat.SessionCreate;
import dev.forge.gateway.rest.schema.WireFormat.SessionRunCreate;
import dev.forge.gateway.service.RunCreation;
import dev.forge.gateway.service.RunQueries;
import dev.forge.gateway.service.SessionService;
import io.smallrye.mutiny.Uni;

@Tag(name = "sessions")
@Path("/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionService sessions;
    private final RunCreation creation;
    private final RunQueries queries;
    private final GatewayConfig config;
    private final CallerContext caller;

    public SessionResource(SessionService sessions, RunCreation creation, RunQueries queries, GatewayConfig config,
            CallerContext caller) {
        this.caller = caller;
        this.sessions = sessions;
        this.creation = creation;
        this.queries = queries;
        this.config = config;
    }

    @Operation(operationId = "createSession", summary = "Create a session (a thread of runs) on an assistant")
    @RequestBodySchema(SessionCreate.class)
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = Session.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    public Uni<Response> create(JsonNode body) {
        return sessions.create(caller.workspace(), body).map(s -> Response
                .created(URI.create("/v1/sessions/" + s.get("id").asText())).entity(s).build());
    }

    @Operation(operationId = "listSessions", summary = "List sessions, newest first")
    @APIResponse(responseCode = "200", description = "Sessions",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Session.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("assistant_id") String assistantId,
            @QueryParam("status") String status, @QueryParam("metadata") String metadata,
            @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return sessions.list(caller.workspace(), assistantId, status, metadata,
                Paging.limit(limit, config.maxPageSize()), Paging.offset(offset));
    }

    /** Deletes the session and its finished runs; 409 while one of its runs is unfinished. */
    @Operation(operationId = "deleteSession", summary = "Delete a session with its finished runs")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return sessions.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }

    /** Messages of all the session's runs, in order. */
    @Operation(operationId = "listSessionMessages", summary = "The messages of every run in the session, in order")
    @APIResponse(responseCode = "200", description = "Messages",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Message.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}/messages")
    public Uni<List<ObjectNode>> messages(@PathParam("id") String id) {
        return sessions.messages(caller.workspace(), id);
    }

    @Operation(operationId = "getSession", summary = "A session")
    @APIResponse(responseCode = "200", description = "The session",
            content = @Content(schema = @Schema(implementation = Session.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return sessions.get(caller.workspace(), id);
    }

    /** A run in this session: it executes after the session's earlier runs, never beside them. */
    @Operation(operationId = "createSessionRun", summary = "Create a run in the session")
    @RequestBodySchema(SessionRunCreate.class)
    @APIResponse(responseCode = "202", description = "Run created (pending)",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "200",
            description = "An idempotent retry: the original run (Idempotent-Replayed: true)",
            content = @Content(schema = @Schema(implementation = Run.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/{id}/runs")
    public Uni<Response> createRun(@PathParam("id") String id, JsonNode body,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return creation.create(caller.workspace(), body, id, idempotencyKey).map(RunResource::accepted);
    }

    @Operation(operationId = "listSessionRuns",
            summary = "The session's runs, newest first; the next cursor in Forge-Next-Cursor")
    @APIResponse(responseCode = "200", description = "Runs",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Run.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}/runs")
    public Uni<Response> listRuns(@PathParam("id") String id, @QueryParam("status") String status,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit, @Context UriInfo uri) {
        String workspace = caller.workspace();
        return sessions.get(workspace, id).flatMap(s -> queries.list(workspace, id, status, cursor,
                Paging.limit(limit, config.maxPageSize()))).map(page -> RunResource.page(page, uri));
    }
}
