package dev.forge.gateway.repository;

import java.io.Serializable;
import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A flow a workspace made through the API ({@code V18__workspace_flows.sql}); its source is in flow_versions. */
@Entity
@Table(name = "workspace_flows")
@IdClass(StoredFlow.Key.class)
public class StoredFlow {

    /** The composite key: a flow's name is unique within its workspace. */
    public record Key(String workspaceId, String name) implements Serializable {
    }

    @Id
    @Column(name = "workspace_id")
    public String workspaceId;

    @Id
    public String name;

    /** The content hash new assistants pin; earlier versions stay loadable. */
    @Column(name = "current_version", nullable = false)
    public String currentVersion;

    // set by the repository when it writes the row (an insert does not read generated columns back)
    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
