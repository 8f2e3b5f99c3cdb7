package dev.forge.gateway.repository;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;

/** A workspace's webhook subscription as stored ({@code V22__webhooks.sql}). Its view never shows the secret. */
@Entity
@Table(name = "webhooks")
public class StoredWebhook {

    @Id
    public UUID id;

    @Column(name = "workspace_id", nullable = false)
    public String workspaceId;

    @Column(nullable = false)
    public String url;

    /** The event types sent, comma-separated (known names only: the service checks them). */
    @Column(name = "event_types", nullable = false)
    public String eventTypes;

    public List<String> eventTypeList() {
        return List.of(eventTypes.split(","));
    }

    /** The signing secret, sealed by SecretCipher under "webhook:" + id. */
    @Column(nullable = false, columnDefinition = "bytea")
    public byte[] secret;

    public String description;

    @Column(nullable = false)
    public boolean enabled = true;

    // set by the repository when it writes the row (an insert does not read generated columns back)
    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    public ObjectNode view() {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", id.toString());
        node.put("workspace_id", workspaceId);
        node.put("url", url);
        var events = node.putArray("events");
        eventTypeList().forEach(events::add);
        node.put("description", description);
        node.put("enabled", enabled);
        Rows.time(node, "created_at", createdAt);
        Rows.time(node, "updated_at", updatedAt);
        return node;
    }
}
