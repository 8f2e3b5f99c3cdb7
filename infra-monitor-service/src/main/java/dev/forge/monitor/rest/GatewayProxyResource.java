package dev.forge.monitor.rest;

import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.forge.api.security.Allow;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.auth.Role;
import dev.forge.monitor.client.GatewayClient;
import dev.forge.monitor.service.GatewayData;
import io.smallrye.mutiny.Uni;

/**
 * The dashboard's way to a gateway's own API (runs, sessions, assistants, flows, MCP servers, schedules,
 * webhooks): one origin for the browser, the gateway health-tested first like every other view. The caller's key goes
 * along unchanged, so the gateway's roles and workspaces decide; only these API families pass. Bodies are bounded by the HTTP server's
 * limit ({@code quarkus.http.limits.max-body-size}).
 */
@Tag(name = "gateways")
@Path("/v1/gateways/{id}/api/{path: .+}")
@Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
public class GatewayProxyResource {

    private static final List<String> FORWARDED = List.of("v1/runs", "v1/sessions", "v1/assistants", "v1/flows",
            "v1/mcp/servers", "v1/schedules", "v1/webhooks", "v1/webhook-deliveries", "v1/limits");

    private final GatewayData data;
    private final GatewayClient client;

    public GatewayProxyResource(GatewayData data, GatewayClient client) {
        this.data = data;
        this.client = client;
    }

    @Operation(operationId = "proxyGatewayGet", summary = "GET a watched gateway's API with its stored token")
    @GET
    public Uni<Response> get(@PathParam("id") String id, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return forward(id, "GET", path, uri, null, null, authorization);
    }

    @Operation(operationId = "proxyGatewayPost", summary = "POST to a watched gateway's API with its stored token")
    @POST
    public Uni<Response> post(@PathParam("id") String id, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        return forward(id, "POST", path, uri, body, contentType, authorization);
    }

    @Operation(operationId = "proxyGatewayPut", summary = "PUT to a watched gateway's API with its stored token")
    @PUT
    public Uni<Response> put(@PathParam("id") String id, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        return forward(id, "PUT", path, uri, body, contentType, authorization);
    }

    @Operation(operationId = "proxyGatewayPatch", summary = "PATCH a watched gateway's API with its stored token")
    @PATCH
    public Uni<Response> patch(@PathParam("id") String id, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        return forward(id, "PATCH", path, uri, body, contentType, authorization);
    }

    @Operation(operationId = "proxyGatewayDelete", summary = "DELETE on a watched gateway's API with its stored token")
    @DELETE
    public Uni<Response> delete(@PathParam("id") String id, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return forward(id, "DELETE", path, uri, null, null, authorization);
    }

    private Uni<Response> forward(String id, String method, String path, UriInfo uri, byte[] body,
            String contentType, String authorization) {
        if (FORWARDED.stream().noneMatch(p -> path.equals(p) || path.startsWith(p + "/")) || path.contains("..")) {
            throw new ApiProblem(404, "not-forwarded", "Not forwarded", "only " + String.join(", ", FORWARDED)
                    + " of a gateway's API are reachable through the monitor", null);
        }
        var gateway = data.requireUsable(id);
        // forwarded as it came (still percent-encoded): a decoded "%3F" or "%2F" must not turn into syntax
        String rawPath = uri.getRequestUri().getRawPath();
        rawPath = rawPath.substring(rawPath.indexOf("/api/") + "/api".length());
        String query = uri.getRequestUri().getRawQuery();
        return client.forward(gateway, method, rawPath + (query == null ? "" : "?" + query), body, contentType,
                authorization)
                .map(answer -> {
                    var response = Response.status(answer.status()).type(answer.contentType()).entity(answer.body());
                    if (answer.nextCursor() != null) {
                        response.header("Forge-Next-Cursor", answer.nextCursor());
                    }
                    return response.build();
                })
                .onFailure(GatewayClient.GatewayCallFailed.class).transform(e -> new ApiProblem(502, "gateway-error",
                        "Gateway call failed", "gateway '" + id + "': " + e.getMessage(), null));
    }
}
