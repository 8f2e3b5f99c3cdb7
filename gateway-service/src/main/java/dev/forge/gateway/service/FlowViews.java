package dev.forge.gateway.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.gateway.repository.StoredFlow;

/** How the API shows a flow: where it comes from, its version, its executors and how they connect. */
public final class FlowViews {

    private FlowViews() {
    }

    /**
     * @param origin {@code system} (config/flows/) or {@code workspace} (made through the API)
     * @param stored the workspace's row, for its timestamps; null for system flows and dry runs
     * @param number the version's number when known
     */
    public static ObjectNode flow(FlowBlueprint f, String origin, StoredFlow stored, Integer number) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("name", f.name());
        node.put("origin", origin);
        node.put("version", f.version());
        if (number != null) {
            node.put("version_number", number);
        }
        node.put("description", f.description());
        node.put("routing_policy", f.routingPolicy().yamlName());
        node.put("timeout_s", f.timeout() == null ? null : f.timeout().toSeconds());
        var executors = node.putArray("executors");
        f.executors().forEach(e -> {
            var x = executors.addObject().put("id", e.id()).put("type", e.type().yamlName());
            if (e.model() != null) {
                x.put("model", e.model());
            }
            var targets = x.putArray("targets");
            e.targets().forEach(targets::add);
        });
        if (stored != null) {
            Rows.time(node, "created_at", stored.createdAt);
            Rows.time(node, "updated_at", stored.updatedAt);
        }
        return node;
    }
}
