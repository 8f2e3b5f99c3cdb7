package dev.forge.gateway.rest;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.rest.schema.WireFormat.WebhookDelivery;
import dev.forge.gateway.rest.schema.WireFormat.WebhookDeliveryDetail;
import dev.forge.gateway.service.WebhookService;
import io.smallrye.mutiny.Uni;

/** The webhook delivery log: every delivery (subscriptions' and runs' own), its attempts, and "send again". */
@Tag(name = "webhooks")
@Path("/v1/webhook-deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookDeliveryResource {

    private final WebhookService webhooks;
    private final GatewayConfig config;
    private final CallerContext caller;

    public WebhookDeliveryResource(WebhookService webhooks, GatewayConfig config, CallerContext caller) {
        this.webhooks = webhooks;
        this.config = config;
        this.caller = caller;
    }

    @Operation(operationId = "listDeliveries", summary = "The workspace's webhook deliveries, newest first")
    @APIResponse(responseCode = "200", description = "Deliveries",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = WebhookDelivery.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("webhook_id") String webhookId, @QueryParam("run_id") String runId,
            @QueryParam("status") String status, @QueryParam("limit") Integer limit,
            @QueryParam("offset") Integer offset) {
        return webhooks.deliveries(caller.workspace(), webhookId, runId, status,
                Paging.limit(limit, config.maxPageSize()), Paging.offset(offset));
    }

    @Operation(operationId = "getDelivery", summary = "A delivery with its body and every attempt")
    @APIResponse(responseCode = "200", description = "The delivery",
            content = @Content(schema = @Schema(implementation = WebhookDeliveryDetail.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return webhooks.delivery(caller.workspace(), id);
    }

    @Operation(operationId = "redeliver", summary = "Send a delivery again now, with a new retry window")
    @APIResponse(responseCode = "200", description = "The delivery, due now",
            content = @Content(schema = @Schema(implementation = WebhookDeliveryDetail.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @POST
    @Path("/{id}/redeliver")
    @Consumes(MediaType.WILDCARD)
    public Uni<ObjectNode> redeliver(@PathParam("id") String id) {
        return webhooks.redeliver(caller.workspace(), id);
    }
}
