package dev.forge.api.repository;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Generated;

/**
 * An API key as stored: its hash, never the secret. Mapped by Hibernate Reactive (Panache) onto the table Flyway owns
 * ({@code V2__api_keys.sql}); Hibernate validates the mapping at start-up and never changes the schema.
 */
@Entity
@Table(name = "api_keys")
public class ApiKey {

    @Id
    public UUID id;

    @Column(name = "workspace_id", nullable = false)
    public String workspaceId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String role;

    @Column(name = "key_prefix", nullable = false)
    public String keyPrefix;

    @Column(name = "key_hash", nullable = false, unique = true)
    public String keyHash;

    @Column(name = "created_by")
    public UUID createdBy;

    /** A platform admin: keys and limits of every workspace. */
    @Column(nullable = false)
    public boolean platform;

    // the database's clock, as the other tables' timestamps
    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    @Generated
    public OffsetDateTime createdAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    @Column(name = "last_used_at")
    public OffsetDateTime lastUsedAt;
}
