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

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.rest.schema.WireFormat.Schedule;
import dev.forge.gateway.rest.schema.WireFormat.ScheduleCreate;
import dev.forge.gateway.rest.schema.WireFormat.ScheduleUpdate;
import dev.forge.gateway.service.ScheduleService;
import io.smallrye.mutiny.Uni;

/** Schedules: runs on an assistant from a cron expression in a time zone, or every fixed interval. */
@Tag(name = "schedules")
@Path("/v1/schedules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ScheduleResource {

    private final ScheduleService schedules;
    private final GatewayConfig config;
    private final CallerContext caller;

    public ScheduleResource(ScheduleService schedules, GatewayConfig config, CallerContext caller) {
        this.schedules = schedules;
        this.config = config;
        this.caller = caller;
    }

    @Operation(operationId = "createSchedule", summary = "Create a schedule: runs from a cron expression or an interval")
    @RequestBodySchema(ScheduleCreate.class)
    @APIResponse(responseCode = "201", description = "Created, with its next fire times",
            content = @Content(schema = @Schema(implementation = Schedule.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @POST
    public Uni<Response> create(JsonNode body) {
        return schedules.create(caller.workspace(), body).map(s -> Response
                .created(URI.create("/v1/schedules/" + s.get("id").asText())).entity(s).build());
    }

    @Operation(operationId = "listSchedules", summary = "The workspace's schedules by name")
    @APIResponse(responseCode = "200", description = "Schedules",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Schedule.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("assistant_id") String assistantId,
            @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return schedules.list(caller.workspace(), assistantId, Paging.limit(limit, config.maxPageSize()),
                Paging.offset(offset));
    }

    @Operation(operationId = "getSchedule", summary = "A schedule with its next fire times")
    @APIResponse(responseCode = "200", description = "The schedule",
            content = @Content(schema = @Schema(implementation = Schedule.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return schedules.get(caller.workspace(), id);
    }

    /** Changes fields; a new cron, interval or time zone takes effect from now. */
    @Operation(operationId = "updateSchedule", summary = "Change a schedule; a new timing takes effect from now")
    @RequestBodySchema(ScheduleUpdate.class)
    @APIResponse(responseCode = "200", description = "The schedule",
            content = @Content(schema = @Schema(implementation = Schedule.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @PATCH
    @Path("/{id}")
    public Uni<ObjectNode> update(@PathParam("id") String id, JsonNode body) {
        return schedules.patch(caller.workspace(), id, body);
    }

    @Operation(operationId = "pauseSchedule", summary = "Stop a schedule firing")
    @APIResponse(responseCode = "200", description = "The schedule",
            content = @Content(schema = @Schema(implementation = Schedule.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/{id}/pause")
    @Consumes(MediaType.WILDCARD)
    public Uni<ObjectNode> pause(@PathParam("id") String id) {
        return schedules.pause(caller.workspace(), id);
    }

    /** Fires again from the next tick after now; ticks passed while paused are not made up. */
    @Operation(operationId = "resumeSchedule", summary = "Let a paused schedule fire again from its next tick")
    @APIResponse(responseCode = "200", description = "The schedule",
            content = @Content(schema = @Schema(implementation = Schedule.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/{id}/resume")
    @Consumes(MediaType.WILDCARD)
    public Uni<ObjectNode> resume(@PathParam("id") String id) {
        return schedules.resume(caller.workspace(), id);
    }

    /** Deletes the schedule; runs it made stay (with its id in schedule_id). */
    @Operation(operationId = "deleteSchedule", summary = "Delete a schedule; its runs stay")
    @APIResponse(responseCode = "204", description = "Deleted")
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return schedules.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }
}
