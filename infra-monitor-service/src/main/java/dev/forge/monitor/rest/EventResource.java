package dev.forge.monitor.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.auth.Role;
import dev.forge.monitor.repository.EventFilter;
import dev.forge.monitor.service.EventService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Events: live (SSE), history (filters, pages by id) and semantic search, for admins and operators. */
@Tag(name = "events")
@Path("/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@Allow({ Role.ADMIN, Role.OPERATOR })
public class EventResource {

    static final List<String> SEVERITIES = List.of("debug", "info", "warning", "error");

    private final EventService events;

    public EventResource(EventService events) {
        this.events = events;
    }

    @Operation(operationId = "listEvents", summary = "Stored run events, filtered, newest first")
    @GET
    public Uni<Response> history(@QueryParam("run_id") String runId, @QueryParam("workflow") String workflow,
            @QueryParam("type") String type, @QueryParam("severity") String severity,
            @QueryParam("gateway") String gateway, @QueryParam("workspace_id") String workspace,
            @QueryParam("since") String since, @QueryParam("until") String until, @QueryParam("before") Long before,
            @QueryParam("limit") Integer limit, @Context UriInfo uri) {
        var filter = filter(runId, workflow, type, severity, gateway, workspace, since, until);
        int size = Paging.limit(limit, Queries.MAX_PAGE);
        return events.history(filter, Queries.before(before), size).map(page -> Queries.page(page, size, uri));
    }

    /** Live events as SSE with their ids; a client reconnecting with Last-Event-ID gets what it missed first. */
    @Operation(operationId = "streamEvents", summary = "Run events as they happen (server-sent events)")
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> live(@QueryParam("run_id") String runId, @QueryParam("workflow") String workflow,
            @QueryParam("type") String type, @QueryParam("severity") String severity,
            @QueryParam("gateway") String gateway, @QueryParam("workspace_id") String workspace,
            @HeaderParam("Last-Event-ID") Long lastEventId, @Context Sse sse) {
        return SseItems.withIds(sse, events.live(filter(runId, workflow, type, severity, gateway, workspace, null,
                null), lastEventId));
    }

    /** The events closest in meaning to {@code q} (each with its cosine {@code score}), within the filters. */
    @Operation(operationId = "searchEvents", summary = "Events most similar to a text query")
    @GET
    @Path("/search")
    public Uni<List<ObjectNode>> search(@QueryParam("q") String query, @QueryParam("k") Integer k,
            @QueryParam("run_id") String runId, @QueryParam("workflow") String workflow,
            @QueryParam("type") String type, @QueryParam("severity") String severity,
            @QueryParam("gateway") String gateway, @QueryParam("workspace_id") String workspace,
            @QueryParam("since") String since, @QueryParam("until") String until) {
        String q = Queries.text("q", query, 1000);
        if (q == null) {
            throw ApiProblem.invalid("'q' is required: what to look for, in words");
        }
        return events.search(q, filter(runId, workflow, type, severity, gateway, workspace, since, until),
                Paging.limit(k == null ? 10 : k, 100));
    }

    private static EventFilter filter(String runId, String workflow, String type, String severity, String gateway,
            String workspace, String since, String until) {
        return new EventFilter(Queries.uuid("run_id", runId), Queries.text("workflow", workflow, 200),
                Queries.list("type", type, null), Queries.list("severity", severity, SEVERITIES),
                Queries.text("gateway", gateway, 63), Queries.text("workspace_id", workspace, 100),
                Queries.instant("since", since), Queries.instant("until", until));
    }
}
