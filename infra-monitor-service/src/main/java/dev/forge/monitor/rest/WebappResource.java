package dev.forge.monitor.rest;

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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.jboss.resteasy.reactive.RestStreamElementType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.monitor.service.WebappService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Webapps and their runners: admins manage (create, start, stop, redeploy, delete — each audited), operators view
 * (the list, one app with its runner's live state, deployment history, output stored and live over SSE).
 */
@Tag(name = "webapps")
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Allow({ Role.ADMIN, Role.OPERATOR })
public class WebappResource {

    private final WebappService webapps;
    private final CallerContext caller;

    public WebappResource(WebappService webapps, CallerContext caller) {
        this.webapps = webapps;
        this.caller = caller;
    }

    @Operation(operationId = "listRunners", summary = "The webapp runners and their load")
    @GET
    @Path("/runners")
    public Uni<List<ObjectNode>> runners() {
        return webapps.runnerViews();
    }

    @Operation(operationId = "listWebapps", summary = "The deployed webapps")
    @GET
    @Path("/webapps")
    public Uni<List<ObjectNode>> list() {
        return webapps.list();
    }

    /**
     * {@code {"slug", "name", "type": gradio|streamlit|fastapi|static|docker, "source": {"git_url", "branch",
     * "path"}, "command", "port", "env": {...}}}: stored, placed on a runner that can host the type, deployed; 201
     * once it is running (or, for an app that fails after starting, with its state and restarts under way).
     */
    @Operation(operationId = "deployWebapp", summary = "Deploy a webapp from a git repository on a runner")
    @POST
    @Path("/webapps")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Role.ADMIN)
    public Uni<Response> create(JsonNode body) {
        return webapps.create(caller.caller(), body).map(app -> Response.created(URI.create("/v1/webapps/"
                + app.get("slug").asText())).entity(app).build());
    }

    @Operation(operationId = "getWebapp", summary = "A webapp and its state")
    @GET
    @Path("/webapps/{slug}")
    public Uni<ObjectNode> get(@PathParam("slug") String slug) {
        return webapps.get(slug);
    }

    @Operation(operationId = "startWebapp", summary = "Start a stopped webapp")
    @POST
    @Path("/webapps/{slug}/start")
    @Allow(Role.ADMIN)
    public Uni<ObjectNode> start(@PathParam("slug") String slug) {
        return webapps.start(caller.caller(), slug);
    }

    @Operation(operationId = "stopWebapp", summary = "Stop a webapp")
    @POST
    @Path("/webapps/{slug}/stop")
    @Allow(Role.ADMIN)
    public Uni<ObjectNode> stop(@PathParam("slug") String slug) {
        return webapps.stop(caller.caller(), slug);
    }

    /** Fetches the branch's head and restarts the app on it. */
    @Operation(operationId = "redeployWebapp", summary = "Deploy the webapp's branch head again")
    @POST
    @Path("/webapps/{slug}/redeploy")
    @Allow(Role.ADMIN)
    public Uni<ObjectNode> redeploy(@PathParam("slug") String slug) {
        return webapps.redeploy(caller.caller(), slug);
    }

    @Operation(operationId = "deleteWebapp", summary = "Remove a webapp")
    @DELETE
    @Path("/webapps/{slug}")
    @Allow(Role.ADMIN)
    public Uni<Response> delete(@PathParam("slug") String slug) {
        return webapps.delete(caller.caller(), slug).map(x -> Response.noContent().build());
    }

    /** Every deploy and restart, newest first: time, trigger, commit, outcome, duration. */
    @Operation(operationId = "listWebappDeployments", summary = "A webapp's deployments, newest first")
    @GET
    @Path("/webapps/{slug}/deployments")
    public Uni<List<ObjectNode>> deployments(@PathParam("slug") String slug, @QueryParam("limit") Integer limit) {
        return webapps.deployments(slug, Paging.limit(limit == null ? 50 : limit, 500));
    }

    /** Stored output, newest first ({@code before} an id for older lines). */
    @Operation(operationId = "listWebappLogs", summary = "A webapp's log lines")
    @GET
    @Path("/webapps/{slug}/logs")
    public Uni<List<ObjectNode>> logs(@PathParam("slug") String slug, @QueryParam("before") Long before,
            @QueryParam("limit") Integer limit) {
        return webapps.logs(slug, before, Paging.limit(limit == null ? 200 : limit, 1000));
    }

    /** The last {@code tail} lines, then each new one, live from the runner. */
    @Operation(operationId = "followWebappLogs", summary = "A webapp's log lines as they come (server-sent events)")
    @GET
    @Path("/webapps/{slug}/logs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @ExistingWebapp
    public Multi<ObjectNode> follow(@PathParam("slug") String slug, @QueryParam("tail") Integer tail) {
        return webapps.follow(slug, tail == null ? 100 : Math.max(0, Math.min(tail, 1000)));
    }
}
