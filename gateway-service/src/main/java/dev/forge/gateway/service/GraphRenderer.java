package dev.forge.gateway.service;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.flow.FlowBlueprint;

/**
 * A run's communication graph as Mermaid or Graphviz DOT text: every executor of the flow as a node (styled by what
 * happened to it: done, skipped, pending), every message as an edge labelled with its order.
 */
public final class GraphRenderer {

    private GraphRenderer() {
    }

    public static String mermaid(FlowBlueprint flow, JsonNode statuses, List<ObjectNode> edges) {
        var sb = new StringBuilder("flowchart LR\n");
        for (ExecutorSpec e : flow.executors()) {
            sb.append("  ").append(mermaidId(e.id())).append("[\"").append(escapeMermaid(e.id())).append("<br/><i>")
                    .append(e.type().yamlName()).append("</i>\"]:::").append(status(statuses, e.id())).append('\n');
        }
        for (var edge : edges) {
            sb.append("  ").append(mermaidId(edge.get("from").asText())).append(" -->|")
                    .append(edge.get("order").asInt()).append("| ").append(mermaidId(edge.get("to").asText()))
                    .append('\n');
        }
        sb.append("  classDef done fill:#d4edda,stroke:#2e7d32\n");
        sb.append("  classDef skipped fill:#eeeeee,stroke:#9e9e9e,stroke-dasharray:4 3,color:#757575\n");
        sb.append("  classDef pending fill:#fff8e1,stroke:#f9a825\n");
        return sb.toString();
    }

    public static String dot(FlowBlueprint flow, JsonNode statuses, List<ObjectNode> edges) {
        var styles = Map.of(
                "done", "style=filled, fillcolor=\"#d4edda\", color=\"#2e7d32\"",
                "skipped", "style=\"filled,dashed\", fillcolor=\"#eeeeee\", color=\"#9e9e9e\", fontcolor=\"#757575\"",
                "pending", "style=filled, fillcolor=\"#fff8e1\", color=\"#f9a825\"");
        var sb = new StringBuilder("digraph run {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
        for (ExecutorSpec e : flow.executors()) {
            sb.append("  ").append(dotId(e.id())).append(" [label=\"").append(escapeDot(e.id())).append("\\n")
                    .append(e.type().yamlName()).append("\", ").append(styles.get(status(statuses, e.id())))
                    .append("];\n");
        }
        for (var edge : edges) {
            sb.append("  ").append(dotId(edge.get("from").asText())).append(" -> ")
                    .append(dotId(edge.get("to").asText())).append(" [label=\"").append(edge.get("order").asInt())
                    .append("\"];\n");
        }
        return sb.append("}\n").toString();
    }

    private static String status(JsonNode statuses, String id) {
        var s = statuses == null ? null : statuses.get(id);
        return s == null ? "pending" : switch (s.asText()) {
            case "done" -> "done";
            case "skipped" -> "skipped";
            default -> "pending";
        };
    }

    /** Mermaid node ids: letters, digits and underscores only; other characters are encoded. */
    static String mermaidId(String id) {
        var sb = new StringBuilder("n_");
        for (char c : id.toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '_') {
                sb.append(c);
            } else {
                sb.append("_x").append(Integer.toHexString(c)).append('_');
            }
        }
        return sb.toString();
    }

    private static String escapeMermaid(String text) {
        return text.replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;");
    }

    static String dotId(String id) {
        return "\"" + escapeDot(id) + "\"";
    }

    private static String escapeDot(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
