package dev.forge.monitor.service;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.api.security.Caller;
import dev.forge.monitor.repository.AuditRepository;
import io.smallrye.mutiny.Uni;

/**
 * The audited actions: gateway configuration changes, debug log access (with the filter criteria) and capacity
 * threshold violations. A row is written before the answer leaves, so an audited request without its row fails.
 */
@ApplicationScoped
public class AuditLog {

    public static final String GATEWAY_CREATED = "gateway.created";
    public static final String GATEWAY_UPDATED = "gateway.updated";
    public static final String GATEWAY_DELETED = "gateway.deleted";
    public static final String LOGS_ACCESSED = "logs.accessed";
    public static final String CAPACITY_THRESHOLD = "capacity.threshold_exceeded";
    /** Webapp lifecycle: webapp.created, webapp.started, webapp.stopped, webapp.redeployed, webapp.deleted. */
    public static final String WEBAPP_PREFIX = "webapp.";

    private final AuditRepository audit;

    public AuditLog(AuditRepository audit) {
        this.audit = audit;
    }

    public Uni<Void> by(Caller caller, String action, String target, JsonNode details) {
        return audit.append(caller.keyPrefix(), caller.role().wireName(), caller.workspace(), action, target,
                details);
    }

    public Uni<Void> bySystem(String action, String target, JsonNode details) {
        return audit.append("system", null, null, action, target, details);
    }
}
