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
import dev.forge.gateway.rest.schema.WireFormat.Webhook;
import dev.forge.gateway.rest.schema.WireFormat.WebhookCreate;
import dev.forge.gateway.rest.schema.WireFormat.WebhookDelivery;
import dev.forge.gateway.rest.schema.WireFormat.WebhookUpdate;
import dev.forge.gateway.rest.schema.WireFormat.WebhookWithSecret;
import dev.forge.gateway.service.WebhookService;
import io.smallrye.mutiny.Uni;

/** A workspace's webhook subscriptions: a URL, the event types it is sent, and a signing secret shown once. */
@Tag(name = "webhooks")
@Path("/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private final WebhookService webhooks;
    private final GatewayConfig config;
    private final CallerContext caller;

    public WebhookResource(WebhookService webhooks, GatewayConfig config, CallerContext caller) {
        this.webhooks = webhooks;
        this.config = config;
        this.caller = caller;
    }

    @Operation(operationId = "createWebhook", summary = "Subscribe a URL to event types; the secret is shown this once")
    @RequestBodySchema(WebhookCreate.class)
    @APIResponse(responseCode = "201", description = "Created, with its signing secret",
            content = @Content(schema = @Schema(implementation = WebhookWithSecret.class)))
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @POST
    public Uni<Response> create(JsonNode body) {
        return webhooks.create(caller.workspace(), body).map(w -> Response
                .created(URI.create("/v1/webhooks/" + w.get("id").asText())).entity(w).build());
    }

    @Operation(operationId = "listWebhooks", summary = "The workspace's webhook subscriptions, oldest first")
    @APIResponse(responseCode = "200", description = "Subscriptions (no secrets)",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Webhook.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return webhooks.list(caller.workspace(), Paging.limit(limit, config.maxPageSize()), Paging.offset(offset));
    }

    @Operation(operationId = "getWebhook", summary = "A webhook subscription (without its secret)")
    @APIResponse(responseCode = "200", description = "The subscription",
            content = @Content(schema = @Schema(implementation = Webhook.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return webhooks.get(caller.workspace(), id);
    }

    @Operation(operationId = "updateWebhook", summary = "Change a subscription's URL, event types, description or state")
    @RequestBodySchema(WebhookUpdate.class)
    @APIResponse(responseCode = "200", description = "The subscription",
            content = @Content(schema = @Schema(implementation = Webhook.class)))
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @PATCH
    @Path("/{id}")
    public Uni<ObjectNode> update(@PathParam("id") String id, JsonNode body) {
        return webhooks.patch(caller.workspace(), id, body);
    }

    @Operation(operationId = "rotateWebhookSecret", summary = "A new signing secret, shown once; the old one stops")
    @APIResponse(responseCode = "200", description = "The subscription with its new secret",
            content = @Content(schema = @Schema(implementation = WebhookWithSecret.class)))
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @POST
    @Path("/{id}/rotate-secret")
    @Consumes(MediaType.WILDCARD)
    public Uni<ObjectNode> rotateSecret(@PathParam("id") String id) {
        return webhooks.rotateSecret(caller.workspace(), id);
    }

    @Operation(operationId = "deleteWebhook", summary = "Delete a subscription and its delivery log")
    @APIResponse(responseCode = "204", description = "Deleted")
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return webhooks.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }

    @Operation(operationId = "listWebhookDeliveries", summary = "A subscription's deliveries, newest first")
    @APIResponse(responseCode = "200", description = "Deliveries",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = WebhookDelivery.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}/deliveries")
    public Uni<List<ObjectNode>> deliveries(@PathParam("id") String id, @QueryParam("status") String status,
            @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return webhooks.deliveries(caller.workspace(), id, null, status, Paging.limit(limit, config.maxPageSize()),
                Paging.offset(offset));
    }
}
