package dev.forge.worker.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.flow.RoutingPolicy;

/**
 * The edges a routing policy implies: message_driven uses output_to and routes; sequential chains executors in
 * listed order. Both run on the same dataflow engine.
 */
final class Topology {

    private final FlowBlueprint flow;
    private final Map<String, List<String>> targets = new HashMap<>();
    private final Map<String, List<String>> predecessors = new HashMap<>();

    Topology(FlowBlueprint flow) {
        this.flow = flow;
        var list = flow.executors();
        for (int i = 0; i < list.size(); i++) {
            var e = list.get(i);
            List<String> t;
            if (flow.routingPolicy() == RoutingPolicy.SEQUENTIAL) {
                t = i + 1 < list.size() ? List.of(list.get(i + 1).id()) : List.of();
            } else {
                t = e.targets();
            }
            targets.put(e.id(), t);
        }
        for (var e : list) {
            predecessors.put(e.id(), list.stream().filter(p -> targets.get(p.id()).contains(e.id()))
                    .map(ExecutorSpec::id).toList());
        }
    }

    List<String> targets(String id) {
        return targets.getOrDefault(id, List.of());
    }

    List<String> predecessors(String id) {
        return predecessors.getOrDefault(id, List.of());
    }

    boolean isSink(String id) {
        return targets(id).isEmpty();
    }

    FlowBlueprint flow() {
        return flow;
    }
}
