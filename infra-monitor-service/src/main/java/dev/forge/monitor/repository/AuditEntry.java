package dev.forge.monitor.repository;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One line of the audit log ({@code V12__infra_monitor.sql}): appended, never changed. */
@Entity
@Table(name = "audit_log")
public class AuditEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    // the database's clock
    @Column(insertable = false, updatable = false, nullable = false)
    public OffsetDateTime at;

    /** An API key's prefix, or {@code system}. */
    @Column(nullable = false)
    public String actor;

    @Column(name = "actor_role")
    public String actorRole;

    @Column(name = "workspace_id")
    public String workspaceId;

    @Column(nullable = false)
    public String action;

    public String target;

    /** The JSON text of a {@code jsonb} column. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public String details;
}
