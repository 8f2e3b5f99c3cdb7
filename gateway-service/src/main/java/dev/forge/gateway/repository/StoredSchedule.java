package dev.forge.gateway.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;

/**
 * A schedule as stored ({@code V21__schedules.sql}): what run to create on an assistant, and when. A new one starts
 * with the API's defaults (UTC, empty input and overrides, enqueue, run_once).
 */
@Entity
@Table(name = "schedules")
public class StoredSchedule {

    @Id
    public UUID id;

    @Column(name = "workspace_id", nullable = false)
    public String workspaceId;

    @Column(nullable = false)
    public String name;

    @Column(name = "assistant_id", nullable = false)
    public UUID assistantId;

    /** Runs go into this session; null: each run gets a new session. */
    @Column(name = "session_id")
    public UUID sessionId;

    /** A five-field cron expression, or null for an interval schedule. */
    public String cron;

    @Column(nullable = false)
    public String timezone = "UTC";

    @Column(name = "interval_seconds")
    public Long intervalSeconds;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public String input = "{}";

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public String overrides = "{}";

    @Column(name = "multitask_strategy", nullable = false)
    public String multitaskStrategy = "enqueue";

    @Column(name = "misfire_policy", nullable = false)
    public String misfirePolicy = "run_once";

    @Column(nullable = false)
    public boolean paused;

    /** The tick to fire next (null while paused with no tick pending). */
    @Column(name = "next_fire_at")
    public OffsetDateTime nextFireAt;

    @Column(name = "last_fired_at")
    public OffsetDateTime lastFiredAt;

    @Column(name = "last_run_id")
    public UUID lastRunId;

    @Column(name = "last_error")
    public String lastError;

    // set by the repository when it writes the row (an insert does not read generated columns back)
    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** The API view, with the next fire times the caller computed. */
    public ObjectNode view(List<Instant> upcoming) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("id", id.toString());
        node.put("workspace_id", workspaceId);
        node.put("name", name);
        node.put("assistant_id", assistantId.toString());
        node.put("session_id", sessionId == null ? null : sessionId.toString());
        node.put("cron", cron);
        node.put("timezone", timezone);
        node.put("interval_seconds", intervalSeconds);
        node.set("input", Rows.json(input, "input"));
        node.set("overrides", Rows.json(overrides, "overrides"));
        node.put("multitask_strategy", multitaskStrategy);
        node.put("misfire_policy", misfirePolicy);
        node.put("paused", paused);
        Rows.time(node, "next_fire_at", paused ? null : nextFireAt);
        var times = node.putArray("next_fire_times");
        upcoming.forEach(t -> times.add(t.toString()));
        Rows.time(node, "last_fired_at", lastFiredAt);
        node.put("last_run_id", lastRunId == null ? null : lastRunId.toString());
        node.put("last_error", lastError);
        Rows.time(node, "created_at", createdAt);
        Rows.time(node, "updated_at", updatedAt);
        return node;
    }
}
