package dev.forge.monitor.repository;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;


/** A gateway added over the API ({@code V12__infra_monitor.sql}); {@link #token} holds sealed bytes only. */
@Entity
@Table(name = "monitor_gateways")
public class MonitoredGateway {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String url;

    public String datacenter;

    /** The bearer token sealed with FORGE_SECRET_KEY and bound to the id; never returned. */
    public byte[] token;

    // the database's clock, set on insert
    @Column(name = "created_at", insertable = false, updatable = false, nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", insertable = false, nullable = false)
    public OffsetDateTime updatedAt;
}
