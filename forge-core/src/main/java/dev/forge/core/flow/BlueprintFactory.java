package dev.forge.core.flow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The seed's factory pattern: a run gets a clone of the shared blueprint with its overrides applied; the shared copy
 * is immutable and never touched.
 */
public final class BlueprintFactory {

    private BlueprintFactory() {
    }

    /** Problems with the overrides against this blueprint (unknown executor ids, wrong executor types). */
    public static List<String> check(FlowBlueprint flow, RunOverrides overrides) {
        var problems = new ArrayList<String>();
        var byId = flow.executorsById();
        overrides.models().keySet().forEach(id -> {
            var e = byId.get(id);
            if (e == null) {
                problems.add("overrides.models names unknown executor '" + id + "' (flow " + flow.name() + " has "
                        + byId.keySet() + ")");
            } else if (e.type() != ExecutorType.LLM) {
                problems.add("overrides.models: executor '" + id + "' is " + e.type().yamlName() + ", not llm");
            }
        });
        overrides.tools().keySet().forEach(id -> {
            if (!byId.containsKey(id)) {
                problems.add("overrides.tools names unknown executor '" + id + "' (flow " + flow.name() + " has "
                        + byId.keySet() + ")");
            }
        });
        for (var list : List.of(overrides.interruptBefore(), overrides.interruptAfter())) {
            list.stream().filter(id -> !id.equals(RunOverrides.EVERY) && !byId.containsKey(id)).forEach(id ->
                    problems.add((list == overrides.interruptBefore() ? "interrupt_before" : "interrupt_after")
                            + " names unknown executor '" + id + "' (flow " + flow.name() + " has " + byId.keySet()
                            + ")"));
        }
        return problems;
    }

    /**
     * The run's clone with a skill's tools added to its llm executors (after their own, without repeats). Only this
     * run's copy changes; when the run ends the clone goes with it, so the tools are handed back with nothing to undo.
     */
    public static FlowBlueprint withSkill(FlowBlueprint flow, SkillBinding skill) {
        if (skill == null || skill.tools().isEmpty()) {
            return flow;
        }
        var executors = new ArrayList<ExecutorSpec>();
        for (var e : flow.executors()) {
            if (e.type() == ExecutorType.LLM) {
                var tools = new LinkedHashSet<>(e.tools());
                tools.addAll(skill.tools());
                executors.add(e.withTools(List.copyOf(tools)));
            } else {
                executors.add(e);
            }
        }
        return flow.withExecutors(executors);
    }

    public static FlowBlueprint apply(FlowBlueprint base, RunOverrides overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return base;
        }
        var executors = new ArrayList<ExecutorSpec>();
        for (var e : base.executors()) {
            var copy = e;
            if (e.type() == ExecutorType.LLM) {
                String model = overrides.models().getOrDefault(e.id(), overrides.model());
                if (model != null) {
                    copy = copy.withModel(model);
                }
                if (overrides.maxTokens() != null) {
                    copy = copy.withLimits(overrides.maxTokens(), copy.timeout());
                }
            }
            var tools = overrides.tools().get(e.id());
            if (tools != null) {
                copy = copy.withTools(tools);
            }
            boolean before = named(overrides.interruptBefore(), e.id());
            boolean after = named(overrides.interruptAfter(), e.id());
            if (before || after) {
                copy = copy.withInterrupts(new ExecutorSpec.Interrupts(before || e.interrupts().before(),
                        after || e.interrupts().after()));
            }
            // run parameters are model parameters; a tool executor's are its arguments, checked against a schema
            if (!overrides.parameters().isEmpty() && e.type() != ExecutorType.TOOL) {
                var params = new LinkedHashMap<>(copy.parameters());
                params.putAll(overrides.parameters());
                copy = copy.withParameters(params);
            }
            executors.add(copy);
        }
        var flow = base.withExecutors(executors);
        if (overrides.timeout() != null || overrides.maxTokens() != null) {
            flow = flow.withLimits(overrides.timeout() != null ? overrides.timeout() : base.timeout(),
                    overrides.maxTokens() != null ? overrides.maxTokens() : base.maxTokens());
        }
        return flow;
    }

    private static boolean named(List<String> ids, String id) {
        return ids.contains(id) || ids.contains(RunOverrides.EVERY);
    }
}
