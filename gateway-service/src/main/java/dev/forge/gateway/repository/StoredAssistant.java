package dev.forge.gateway.repository;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An assistant as stored ({@code V1__schema.sql}): a named, configured use of a flow. {@link #version} counts its
 * versions; each one is copied to {@link StoredAssistantVersion}.
 */
@Entity
@Table(name = "assistants")
public class StoredAssistant extends AssistantDefinition {

    @Id
    public UUID id;

    @Column(name = "workspace_id", nullable = false)
    public String workspaceId;

    @Column(nullable = false)
    public int version;

    // set by the repository when it writes the row (an insert does not read generated columns back)
    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
