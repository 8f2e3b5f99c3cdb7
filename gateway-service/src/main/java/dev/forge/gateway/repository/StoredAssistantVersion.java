package dev.forge.gateway.repository;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One version of an assistant ({@code V4__assistant_versions.sql}), so a run's pinned version can be looked up. */
@Entity
@Table(name = "assistant_versions")
@IdClass(StoredAssistantVersion.Key.class)
public class StoredAssistantVersion extends AssistantDefinition {

    /** The composite key: the assistant and its version number. */
    public record Key(UUID assistantId, int version) implements Serializable {
    }

    @Id
    @Column(name = "assistant_id")
    public UUID assistantId;

    @Id
    public int version;

    // the database's clock; never read back after an insert (versions are listed by query)
    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    static StoredAssistantVersion of(StoredAssistant a) {
        var v = new StoredAssistantVersion();
        v.assistantId = a.id;
        v.version = a.version;
        a.copyTo(v);
        return v;
    }
}
