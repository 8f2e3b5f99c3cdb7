package dev.forge.monitor.rest;

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

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.Caller;
import dev.forge.api.security.CallerContext;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.auth.Role;
import dev.forge.monitor.repository.LogFilter;
import dev.forge.monitor.service.LogService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Shipped logs: history and a live stream with filters. Admins see every service's records; developers only records
 * of their own workspace's runs. Every access is audited with its filter criteria.
 */
@Tag(name = "logs")
@Path("/v1/logs")
@Produces(MediaType.APPLICATION_JSON)
@Allow({ Role.ADMIN, Role.DEVELOPER })
public class LogResource {

    private final LogService logs;
    private final CallerContext context;

    public LogResource(LogService logs, CallerContext context) {
        this.logs = logs;
        this.context = context;
    }

    @Operation(operationId = "listLogs", summary = "Shipped log records, filtered, newest first")
    @GET
    public Uni<Response> history(@QueryParam("service") String service, @QueryParam("level") String level,
            @QueryParam("run_id") String runId, @QueryParam("trace_id") String traceId,
            @QueryParam("workspace_id") String workspace, @QueryParam("q") String text,
            @QueryParam("since") String since, @QueryParam("until") String until, @QueryParam("before") Long before,
            @QueryParam("limit") Integer limit, @Context UriInfo uri) {
        var caller = context.caller();
        var filter = filter(caller, service, level, runId, traceId, workspace, text, since, until);
        int size = Paging.limit(limit, Queries.MAX_PAGE);
        return logs.history(caller, filter, Queries.before(before), size).map(page -> Queries.page(page, size, uri));
    }

    /** Live records as SSE with their ids; a client reconnecting with Last-Event-ID gets what it missed first. */
    @Operation(operationId = "streamLogs", summary = "Log records as they arrive (server-sent events)")
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> live(@QueryParam("service") String service, @QueryParam("level") String level,
            @QueryParam("run_id") String runId, @QueryParam("trace_id") String traceId,
            @QueryParam("workspace_id") String workspace, @QueryParam("q") String text,
            @HeaderParam("Last-Event-ID") Long lastEventId, @Context Sse sse) {
        var caller = context.caller();
        var filter = filter(caller, service, level, runId, traceId, workspace, text, null, null);
        return SseItems.withIds(sse, Multi.createFrom().uni(logs.live(caller, filter, lastEventId)).onItem()
                .transformToMultiAndConcatenate(m -> m));
    }

    /** A developer's filter is pinned to their workspace, whatever they asked for. */
    static LogFilter filter(Caller caller, String service, String level, String runId, String traceId,
            String workspace, String text, String since, String until) {
        var levels = Queries.list("level", Queries.upper(level), LogFilter.LEVELS);
        if (levels.size() > 1) {
            throw ApiProblem.invalid("'level' is one minimum level, such as WARN");
        }
        String scope = caller.role() == Role.DEVELOPER ? caller.workspace()
                : Queries.text("workspace_id", workspace, 100);
        return new LogFilter(Queries.list("service", service, null), levels.isEmpty() ? null : levels.get(0),
                Queries.uuid("run_id", runId), Queries.text("trace_id", traceId, 64), scope,
                Queries.text("q", text, 500), Queries.instant("since", since), Queries.instant("until", until));
    }
}
