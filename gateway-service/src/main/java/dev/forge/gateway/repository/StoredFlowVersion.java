package dev.forge.gateway.repository;

import java.io.Serializable;
import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One saved version of a workspace's flow ({@code V18__workspace_flows.sql}), numbered from 1. */
@Entity
@Table(name = "workspace_flow_versions")
@IdClass(StoredFlowVersion.Key.class)
public class StoredFlowVersion {

    public record Key(String workspaceId, String name, String version) implements Serializable {
    }

    @Id
    @Column(name = "workspace_id")
    public String workspaceId;

    @Id
    public String name;

    /** The content hash of the source. */
    @Id
    public String version;

    @Column(nullable = false)
    public int number;

    // the database's clock, set on insert
    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;
}
