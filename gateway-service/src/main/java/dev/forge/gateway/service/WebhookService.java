package dev.forge.gateway.service;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.secret.SecretCipher;
import dev.forge.gateway.config.WebhookConfig;
import dev.forge.gateway.repository.StoredWebhook;
import dev.forge.gateway.repository.WebhookDeliveryRepository;
import dev.forge.gateway.repository.WebhookRepository;
import io.smallrye.mutiny.Uni;

/**
 * Webhook subscriptions and their delivery log through the API: checked (the URL by {@link WebhookTargets}, the same
 * rules as a run's own webhook), stored with a sealed signing secret that is shown once, changed, and deliveries sent
 * again. {@link WebhookDispatcher} plans and sends them.
 */
@ApplicationScoped
public class WebhookService {

    /** The event types a subscription can ask for. */
    public static final List<String> EVENT_TYPES = List.of("run.created", "run.started", "run.succeeded",
            "run.failed", "run.cancelled", "run.timed_out", "run.interrupted", "run.resumed");
    private static final Set<String> CREATE_FIELDS = Set.of("url", "events", "description", "enabled");
    private static final Set<String> DELIVERY_STATUSES = Set.of("pending", "succeeded", "failed");
    private static final int MAX_DESCRIPTION = 500;

    private final WebhookRepository webhooks;
    private final WebhookDeliveryRepository deliveries;
    private final WebhookTargets targets;
    private final SecretCipher secrets;
    private final WebhookConfig config;

    public WebhookService(WebhookRepository webhooks, WebhookDeliveryRepository deliveries, WebhookTargets targets,
            SecretCipher secrets, WebhookConfig config) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.targets = targets;
        this.secrets = secrets;
        this.config = config;
    }

    /** The secret a subscription signs with, opened (only for signing). */
    public String openSecret(UUID webhookId, byte[] sealed) {
        return secrets.decrypt(sealed, binding(webhookId));
    }

    /** Creates a subscription; the answer holds its secret, the only time it is shown. */
    public Uni<ObjectNode> create(String workspace, JsonNode body) {
        var req = Requests.of(body, CREATE_FIELDS);
        var w = new StoredWebhook();
        w.id = UUID.randomUUID();
        w.workspaceId = workspace;
        String url = req.text("url", true, WebhookTargets.MAX_URL).orElse(null);
        WebhookTargets.formProblems("url", url).forEach(req::error);
        w.eventTypes = eventTypes(req, body.get("events"), true);
        w.description = req.text("description", false, MAX_DESCRIPTION).orElse(null);
        w.enabled = enabled(req, body, true);
        if (!secrets.available()) {
            req.error("a webhook's signing secret cannot be stored: this deployment has no FORGE_SECRET_KEY to seal it");
        }
        req.check();
        String secret = WebhookSignature.newSecret();
        w.secret = secrets.encrypt(secret, binding(w.id));
        return targets.check("url", url).flatMap(target -> {
            w.url = url;
            return webhooks.insert(w);
        }).map(saved -> saved.view().put("secret", secret));
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return found(workspace, id).map(StoredWebhook::view);
    }

    public Uni<List<ObjectNode>> list(String workspace, int limit, int offset) {
        return webhooks.list(workspace, limit, offset).map(list -> list.stream().map(StoredWebhook::view).toList());
    }

    /** Changes the URL, event types, description or enabled; a new URL is checked like a new subscription's. */
    public Uni<ObjectNode> patch(String workspace, String id, JsonNode body) {
        UUID webhookId = Requests.pathId("webhook", id);
        var req = Requests.of(body, CREATE_FIELDS);
        String url = req.text("url", false, WebhookTargets.MAX_URL).orElse(null);
        if (body.has("url")) {
            WebhookTargets.formProblems("url", url).forEach(req::error);
        }
        String types = body.has("events") ? eventTypes(req, body.get("events"), true) : null;
        String description = req.text("description", false, MAX_DESCRIPTION).orElse(null);
        boolean enabled = enabled(req, body, true);
        req.check();
        Uni<Void> urlChecked = url == null ? Uni.createFrom().voidItem()
                : targets.check("url", url).replaceWithVoid();
        return urlChecked.flatMap(x -> webhooks.update(workspace, webhookId, w -> {
            if (url != null) {
                w.url = url;
            }
            if (types != null) {
                w.eventTypes = types;
            }
            if (body.has("description")) {
                w.description = description;
            }
            if (body.has("enabled")) {
                w.enabled = enabled;
            }
        })).map(found -> found.orElseThrow(() -> ApiProblem.notFound("webhook", id)).view());
    }

    /** A new signing secret, shown once; the old one stops at once. */
    public Uni<ObjectNode> rotateSecret(String workspace, String id) {
        UUID webhookId = Requests.pathId("webhook", id);
        if (!secrets.available()) {
            throw ApiProblem.invalid("a webhook's signing secret cannot be stored: this deployment has no "
                    + "FORGE_SECRET_KEY to seal it");
        }
        String secret = WebhookSignature.newSecret();
        byte[] sealed = secrets.encrypt(secret, binding(webhookId));
        return webhooks.update(workspace, webhookId, w -> w.secret = sealed)
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("webhook", id)).view().put("secret", secret));
    }

    public Uni<Void> delete(String workspace, String id) {
        return webhooks.delete(workspace, Requests.pathId("webhook", id)).invoke(deleted -> {
            if (!deleted) {
                throw ApiProblem.notFound("webhook", id);
            }
        }).replaceWithVoid();
    }

    /** The delivery log, newest first: of one subscription, of one run, or the workspace's. */
    public Uni<List<ObjectNode>> deliveries(String workspace, String webhookId, String runId, String status, int limit,
            int offset) {
        UUID webhook = Requests.queryUuid("webhook_id", webhookId);
        UUID run = Requests.queryUuid("run_id", runId);
        String wanted = Requests.queryOneOf("status", status, DELIVERY_STATUSES);
        Uni<Void> known = webhook == null ? Uni.createFrom().voidItem()
                : found(workspace, webhook.toString()).replaceWithVoid();
        return known.flatMap(x -> deliveries.list(workspace, webhook, run, wanted, limit, offset));
    }

    public Uni<ObjectNode> delivery(String workspace, String id) {
        return deliveries.get(workspace, Requests.pathId("delivery", id))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("delivery", id)));
    }

    /** "Send again": due now, with a new retry window; 409 while an attempt is in flight. */
    public Uni<ObjectNode> redeliver(String workspace, String id) {
        UUID deliveryId = Requests.pathId("delivery", id);
        return deliveries.redeliver(workspace, deliveryId, config.retryFor()).flatMap(done -> done
                ? delivery(workspace, id)
                : delivery(workspace, id).map(d -> {
                    throw new ApiProblem(409, "delivery-in-flight", "Delivery in flight", "delivery " + id
                            + " is being attempted now; send it again once that attempt ended", null);
                }));
    }

    private Uni<StoredWebhook> found(String workspace, String id) {
        return webhooks.find(workspace, Requests.pathId("webhook", id))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("webhook", id)));
    }

    /** The event types as stored (comma-separated), each known and given once. */
    private static String eventTypes(Requests req, JsonNode node, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                req.error("'events' is required: a list of event types, of " + EVENT_TYPES);
            }
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            req.error("'events' must be a non-empty list of event types, of " + EVENT_TYPES);
            return null;
        }
        var types = new LinkedHashSet<String>();
        for (JsonNode item : node) {
            if (!item.isTextual() || !EVENT_TYPES.contains(item.asText())) {
                req.error("'events': '" + item.asText() + "' is not an event type (one of " + EVENT_TYPES + ")");
            } else if (!types.add(item.asText())) {
                req.error("'events': '" + item.asText() + "' is given twice");
            }
        }
        return String.join(",", types);
    }

    private static boolean enabled(Requests req, JsonNode body, boolean otherwise) {
        if (body.has("enabled") && !body.get("enabled").isBoolean()) {
            req.error("'enabled' must be true or false");
            return otherwise;
        }
        return body.path("enabled").asBoolean(otherwise);
    }

    private static String binding(UUID webhookId) {
        return "webhook:" + webhookId;
    }
}
