package dev.forge.gateway.repository;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One version of an assistant ({@code V4__assistant_versions.sql}), so a run's pinned version can be looked up. */
@Entity
@Table(name = "assistant_versions")
@IdClass(StoredAssistantVersion.Key.class)
public class StoredAssistantVersion {

    /** The composite key: the assistant and its version number. */
    public record Key(UUID assistantId, int version) implements Serializable {
    }

    @Id
    @Column(name = "assistant_id")
    public UUID assistantId;

    @Id
    public int version;

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

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public String config;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public String metadata;

    // the database's clock; never read back after an insert (versions are listed by query)
    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    static StoredAssistantVersion of(StoredAssistant a) {
        var v = new StoredAssistantVersion();
        v.assistantId = a.id;
        v.version = a.version;
        v.name = a.name;
        v.description = a.description;
        v.flowName = a.flowName;
        v.flowVersion = a.flowVersion;
        v.flowFollowsLatest = a.flowFollowsLatest;
        v.config = a.config;
        v.metadata = a.metadata;
        return v;
    }
}
