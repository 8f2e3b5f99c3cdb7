package dev.forge.monitor.repository;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;


/** A gateway's capacity at one moment ({@code V12__infra_monitor.sql}), one per capacity round. */
@Entity
@Table(name = "capacity_samples")
public class CapacitySample {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "gateway_id", nullable = false)
    public String gatewayId;

    // the database's clock, set on insert
    @Column(name = "sampled_at", insertable = false, updatable = false, nullable = false)
    public OffsetDateTime sampledAt;

    @Column(nullable = false)
    public int capacity;

    @Column(nullable = false)
    public int used;

    @Column(name = "utilization_percent", nullable = false)
    public double utilizationPercent;

    @Column(nullable = false)
    public String health;
}
