package dev.forge.gateway.repository;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * An assistant as stored ({@code V1__schema.sql}): a named, configured use of a pinned flow version. {@link #version}
 * counts its versions; each one is copied to {@link StoredAssistantVersion}.
 */
@Entity
@Table(name = "assistants")
public class StoredAssistant {

    @Id
    public UUID id;

    @Column(name = "workspace_id", nullable = false)
    public String workspaceId;

    @Column(nullable = false)
    public String name;

    public String description;

    @Column(name = "flow_name", nullable = false)
    public String flowName;

    @Column(name = "flow_version", nullable = false)
    public String flowVersion;

    /** Runs take the flow's version current when they are created, not {@link #flowVersion}. */
    @Column(name = "flow_follows_latest", nullable = false)
    public boolean flowFollowsLatest;

    /** JSON text of a {@code jsonb} column. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public String config;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public String metadata;

    @Column(nullable = false)
    public int version;

    // the database's clock, set on insert
    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false, insertable = false)
    public OffsetDateTime updatedAt;
}
