package dev.forge.gateway.repository;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;

/** What an assistant is at one version: the columns {@code assistants} and {@code assistant_versions} share. */
@MappedSuperclass
public abstract class AssistantDefinition {

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

    void copyTo(AssistantDefinition to) {
        to.name = name;
        to.description = description;
        to.flowName = flowName;
        to.flowVersion = flowVersion;
        to.flowFollowsLatest = flowFollowsLatest;
        to.config = config;
        to.metadata = metadata;
    }

    /** Adds the definition's fields to an API view, in the API's order. */
    void writeTo(ObjectNode node) {
        node.put("name", name);
        node.put("description", description);
        node.putObject("flow").put("name", flowName).put("version", flowVersion)
                .put("follows_latest", flowFollowsLatest);
        node.set("config", Rows.json(config, "config"));
        node.set("metadata", Rows.json(metadata, "metadata"));
    }
}
