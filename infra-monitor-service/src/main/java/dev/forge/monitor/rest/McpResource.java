package dev.forge.monitor.rest;

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

import dev.forge.api.security.Allow;
import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.auth.Role;
import dev.forge.monitor.client.GatewayClient;
import dev.forge.monitor.service.GatewayData;
import dev.forge.monitor.service.GatewayTarget;
import io.smallrye.mutiny.Uni;

/**
 * The MCP server registry of a gateway (the tools issue's {@code /v1/mcp/servers}), viewed and tested from here
 * through the selected gateway with its token: one registry, wherever it is watched from. Admins only; changes are
 * made on the gateway.
 */
@Tag(name = "mcp-servers")
@Path("/v1/mcp/servers")
@Produces(MediaType.APPLICATION_JSON)
@Allow(Role.ADMIN)
public class McpResource {

    private final GatewayData data;
    private final GatewayClient client;

    public McpResource(GatewayData data, GatewayClient client) {
        this.data = data;
        this.client = client;
    }

    @Operation(operationId = "listGatewayMcpServers", summary = "A gateway's MCP servers")
    @GET
    public Uni<Response> list(@QueryParam("gateway") String gateway) {
        return relay(client.get(usable(gateway), "/v1/mcp/servers", true));
    }

    @Operation(operationId = "getGatewayMcpServer", summary = "One of a gateway's MCP servers")
    @GET
    @Path("/{id}")
    public Uni<Response> get(@QueryParam("gateway") String gateway, @PathParam("id") String id) {
        return relay(client.get(usable(gateway), "/v1/mcp/servers/" + Requests.pathId("MCP server", id), true));
    }

    @Operation(operationId = "testGatewayMcpServer", summary = "Probe one of a gateway's MCP servers now")
    @POST
    @Path("/{id}/test")
    public Uni<Response> test(@QueryParam("gateway") String gateway, @PathParam("id") String id) {
        return relay(client.post(usable(gateway), "/v1/mcp/servers/" + Requests.pathId("MCP server", id) + "/test"));
    }

    @Operation(operationId = "listGatewayMcpServerTools", summary = "The tools of one of a gateway's MCP servers")
    @GET
    @Path("/{id}/tools")
    public Uni<Response> tools(@QueryParam("gateway") String gateway, @PathParam("id") String id,
            @QueryParam("refresh") boolean refresh) {
        return relay(client.get(usable(gateway), "/v1/mcp/servers/" + Requests.pathId("MCP server", id) + "/tools"
                + (refresh ? "?refresh=true" : ""), true));
    }

    private GatewayTarget usable(String gateway) {
        if (gateway == null || gateway.isBlank()) {
            throw ApiProblem.invalid("'gateway' is required: the gateway whose MCP registry to show");
        }
        return data.requireUsable(gateway);
    }

    /** The gateway's answer as it was (its problem+json included), or 502 when it could not be reached. */
    private static Uni<Response> relay(Uni<GatewayClient.Answer> answer) {
        return answer.map(a -> Response.status(a.status()).type(a.status() >= 400 ? "application/problem+json"
                : MediaType.APPLICATION_JSON).entity(a.body()).build())
                .onFailure(GatewayClient.GatewayCallFailed.class).transform(e -> new ApiProblem(502, "gateway-error",
                        "Gateway call failed", e.getMessage(), null));
    }
}
