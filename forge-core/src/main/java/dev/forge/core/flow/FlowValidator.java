package dev.forge.core.flow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.forge.core.mcp.McpToolNames;
import dev.forge.core.tool.BuiltinTools;
import dev.forge.core.tool.JsonSchemas;

/**
 * Graph and semantic rules of a flow: unique ids, targets exist, no cycles, every executor reachable from the
 * entry (the first listed), valid CEL conditions, a default route on every conditional, type-specific fields.
 */
public final class FlowValidator {

    private FlowValidator() {
    }

    public static List<FlowProblem> validate(FlowBlueprint flow) {
        var problems = new ArrayList<FlowProblem>();
        String file = flow.file();
        Map<String, ExecutorSpec> byId = new LinkedHashMap<>();
        for (var e : flow.executors()) {
            var first = byId.putIfAbsent(e.id(), e);
            if (first != null) {
                problems.add(new FlowProblem(file, e.line(), e.id(), "duplicate executor id (first defined on line "
                        + first.line() + ")"));
            }
        }
        for (var e : flow.executors()) {
            checkExecutor(flow, e, byId, problems);
        }
        if (flow.routingPolicy() == RoutingPolicy.SEQUENTIAL) {
            checkSequential(flow, problems);
        } else {
            checkCycles(flow, byId, problems);
            checkReachable(flow, byId, problems);
        }
        return problems;
    }

    private static void checkExecutor(FlowBlueprint flow, ExecutorSpec e, Map<String, ExecutorSpec> byId,
            List<FlowProblem> problems) {
        String file = flow.file();
        for (String target : e.outputTo()) {
            if (!byId.containsKey(target)) {
                problems.add(new FlowProblem(file, e.line(), e.id(), "output_to target '" + target
                        + "' is not an executor of this flow"));
            } else if (target.equals(e.id())) {
                problems.add(new FlowProblem(file, e.line(), e.id(), "output_to names itself"));
            }
        }
        switch (e.type()) {
            case LLM -> {
                if (e.model() == null) {
                    problems.add(new FlowProblem(file, e.line(), e.id(), "llm executor needs a 'model'"));
                }
                forbid(file, e, !e.routes().isEmpty() || e.defaultTarget() != null, "routes", problems);
                forbid(file, e, e.strategy() != null, "strategy", problems);
            }
            case CONDITIONAL -> {
                if (e.routes().isEmpty() && e.defaultTarget() == null) {
                    problems.add(new FlowProblem(file, e.line(), e.id(), "conditional executor needs 'routes'"));
                }
                if (e.defaultTarget() == null) {
                    problems.add(new FlowProblem(file, e.line(), e.id(),
                            "conditional executor has no default route ('- default: <target>')"));
                } else if (!byId.containsKey(e.defaultTarget())) {
                    problems.add(new FlowProblem(file, e.line(), e.id(), "default route target '"
                            + e.defaultTarget() + "' is not an executor of this flow"));
                }
                for (var r : e.routes()) {
                    if (!byId.containsKey(r.target())) {
                        problems.add(new FlowProblem(file, r.line(), e.id(), "route target '" + r.target()
                                + "' is not an executor of this flow"));
                    }
                    CelConditions.check(r.condition()).ifPresent(msg -> problems.add(new FlowProblem(file, r.line(),
                            e.id(), "condition '" + r.condition() + "' is not a valid boolean CEL expression over "
                                    + CelConditions.variables() + ": " + msg)));
                }
                forbid(file, e, !e.outputTo().isEmpty(), "output_to (routes decide where a conditional sends)",
                        problems);
                forbid(file, e, e.model() != null, "model", problems);
                forbid(file, e, e.strategy() != null, "strategy", problems);
            }
            case MERGE -> {
                forbid(file, e, !e.routes().isEmpty() || e.defaultTarget() != null, "routes", problems);
                forbid(file, e, e.model() != null, "model", problems);
            }
            case SEND -> {
                if (e.toSession() == null) {
                    problems.add(new FlowProblem(file, e.line(), e.id(),
                            "send executor needs 'to_session' (a session id or a template such as {{input.peer}})"));
                }
                forbid(file, e, e.model() != null, "model", problems);
                forbid(file, e, !e.routes().isEmpty() || e.defaultTarget() != null, "routes", problems);
            }
            case TOOL -> {
                // an MCP tool is checked when the step runs: its server is registered per workspace, at run time
                e.tools().stream().filter(t -> !BuiltinTools.names().contains(t)
                        && McpToolNames.parse(t).isEmpty()).forEach(t ->
                        problems.add(new FlowProblem(file, e.line(), e.id(), "unknown tool '" + t + "' (built-in: "
                                + String.join(", ", BuiltinTools.names())
                                + "; or an MCP tool as mcp:<server>/<tool>)")));
                forbid(file, e, e.model() != null, "model", problems);
                forbid(file, e, e.prompt() != null, "prompt", problems);
                forbid(file, e, !e.routes().isEmpty() || e.defaultTarget() != null, "routes", problems);
                forbid(file, e, e.strategy() != null, "strategy", problems);
            }
            case HUMAN -> checkHuman(flow, e, byId, problems);
            case WAIT -> {
                forbid(file, e, e.model() != null, "model", problems);
                forbid(file, e, e.toSession() != null, "to_session", problems);
                forbid(file, e, e.message() != null, "message", problems);
                forbid(file, e, !e.routes().isEmpty() || e.defaultTarget() != null, "routes", problems);
            }
        }
        if ((e.type() == ExecutorType.SEND || e.type() == ExecutorType.WAIT) && e.channel() == null) {
            problems.add(new FlowProblem(file, e.line(), e.id(), e.type().yamlName()
                    + " executor needs a 'channel' (the name sender and waiter agree on)"));
        }
        if (e.type() != ExecutorType.SEND && e.type() != ExecutorType.WAIT) {
            forbid(file, e, e.channel() != null, "channel", problems);
            forbid(file, e, e.toSession() != null, "to_session", problems);
            forbid(file, e, e.message() != null, "message", problems);
        }
    }

    private static void checkHuman(FlowBlueprint flow, ExecutorSpec e, Map<String, ExecutorSpec> byId,
            List<FlowProblem> problems) {
        String file = flow.file();
        var human = e.human();
        if (human == null || human.question() == null) {
            problems.add(new FlowProblem(file, e.line(), e.id(), "human executor needs a 'question' (a template "
                    + "such as \"Approve {{input.title}}?\")"));
        }
        if (human != null && human.answerSchema() != null) {
            if (!human.answerSchema().isObject()) {
                problems.add(new FlowProblem(file, e.line(), e.id(), "'schema' must be a JSON Schema object"));
            } else {
                JsonSchemas.unusable(human.answerSchema()).ifPresent(why -> problems.add(new FlowProblem(file,
                        e.line(), e.id(), "'schema' is not a usable JSON Schema: " + why)));
            }
        }
        if (human != null && human.onTimeout() != null) {
            if (e.timeout() == null) {
                problems.add(new FlowProblem(file, e.line(), e.id(), "'on_timeout' needs a 'timeout' (how long to "
                        + "wait for the answer)"));
            }
            String target = human.onTimeoutTarget();
            if (target != null && !byId.containsKey(target)) {
                problems.add(new FlowProblem(file, e.line(), e.id(), "on_timeout target '" + target
                        + "' is neither 'fail' nor an executor of this flow"));
            } else if (target != null && target.equals(e.id())) {
                problems.add(new FlowProblem(file, e.line(), e.id(), "on_timeout names itself"));
            } else if (target != null && flow.routingPolicy() == RoutingPolicy.SEQUENTIAL) {
                problems.add(new FlowProblem(file, e.line(), e.id(), "a sequential flow cannot branch: on_timeout "
                        + "may only be 'fail' (use routing_policy: message_driven to route a timeout)"));
            }
        }
        forbid(file, e, e.model() != null, "model", problems);
        forbid(file, e, e.prompt() != null, "prompt", problems);
        forbid(file, e, !e.tools().isEmpty(), "tools", problems);
        forbid(file, e, !e.routes().isEmpty() || e.defaultTarget() != null, "routes", problems);
        forbid(file, e, e.strategy() != null, "strategy", problems);
        forbid(file, e, e.retries() != null, "retries", problems);
    }

    private static void forbid(String file, ExecutorSpec e, boolean present, String what, List<FlowProblem> problems) {
        if (present) {
            problems.add(new FlowProblem(file, e.line(), e.id(), e.type().yamlName() + " executor does not take "
                    + what));
        }
    }

    private static void checkSequential(FlowBlueprint flow, List<FlowProblem> problems) {
        var list = flow.executors();
        for (int i = 0; i < list.size(); i++) {
            var e = list.get(i);
            if (e.type() == ExecutorType.CONDITIONAL) {
                problems.add(new FlowProblem(flow.file(), e.line(), e.id(), "a sequential flow cannot branch: "
                        + "use routing_policy: message_driven for conditional executors"));
            }
            String next = i + 1 < list.size() ? list.get(i + 1).id() : null;
            if (!e.outputTo().isEmpty() && (e.outputTo().size() != 1 || !e.outputTo().get(0).equals(next))) {
                problems.add(new FlowProblem(flow.file(), e.line(), e.id(), "a sequential flow runs executors in "
                        + "listed order; output_to may only name the next executor"
                        + (next == null ? " and the last executor has none" : " ('" + next + "')")));
            }
        }
    }

    private static void checkCycles(FlowBlueprint flow, Map<String, ExecutorSpec> byId, List<FlowProblem> problems) {
        // iterative colouring DFS; report each cycle once, at the executor that closes it
        Map<String, Integer> colour = new HashMap<>();
        Set<String> reported = new HashSet<>();
        for (var start : byId.keySet()) {
            if (colour.getOrDefault(start, 0) != 0) {
                continue;
            }
            dfs(start, byId, colour, new ArrayList<>(), reported, flow.file(), problems);
        }
    }

    private static void dfs(String id, Map<String, ExecutorSpec> byId, Map<String, Integer> colour, List<String> path,
            Set<String> reported, String file, List<FlowProblem> problems) {
        colour.put(id, 1);
        path.add(id);
        var e = byId.get(id);
        for (String t : e.targets()) {
            if (!byId.containsKey(t) || t.equals(id)) {
                continue;
            }
            int c = colour.getOrDefault(t, 0);
            if (c == 1) {
                var cycle = new ArrayList<>(path.subList(path.indexOf(t), path.size()));
                cycle.add(t);
                var key = String.join(">", cycle.stream().sorted().toList());
                if (reported.add(key)) {
                    problems.add(new FlowProblem(file, e.line(), id, "cycle: " + String.join(" -> ", cycle)));
                }
            } else if (c == 0) {
                dfs(t, byId, colour, path, reported, file, problems);
            }
        }
        path.remove(path.size() - 1);
        colour.put(id, 2);
    }

    private static void checkReachable(FlowBlueprint flow, Map<String, ExecutorSpec> byId, List<FlowProblem> problems) {
        var entry = flow.entry().id();
        Set<String> seen = new HashSet<>();
        var stack = new ArrayList<String>();
        stack.add(entry);
        while (!stack.isEmpty()) {
            var id = stack.remove(stack.size() - 1);
            if (!seen.add(id) || !byId.containsKey(id)) {
                continue;
            }
            stack.addAll(byId.get(id).targets());
        }
        for (var e : byId.values()) {
            if (!seen.contains(e.id())) {
                problems.add(new FlowProblem(flow.file(), e.line(), e.id(), "unreachable from the entry executor '"
                        + entry + "' (the first listed)"));
            }
        }
    }
}
