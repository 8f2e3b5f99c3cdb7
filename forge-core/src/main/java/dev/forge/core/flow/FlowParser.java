package dev.forge.core.flow;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.core.tool.BuiltinTools;

/**
 * Parses flow YAML into a {@link FlowBlueprint}, keeping the line of every executor and route so problems can be
 * reported precisely. Structural problems (wrong shapes, unknown keys, bad values) are collected here; graph rules are
 * checked by {@link FlowValidator}.
 */
public final class FlowParser {

    private static final Set<String> FLOW_KEYS = Set.of("name", "description", "executors", "routing_policy",
            "timeout", "max_tokens", "max_state_bytes");
    private static final Set<String> EXECUTOR_KEYS = Set.of("id", "type", "model", "prompt", "tools", "output_to",
            "routes", "strategy", "max_tokens", "timeout", "retries", "parameters", "description", "channel",
            "to_session", "message", "tool", "arguments", "memory", "interrupt_before", "interrupt_after", "question",
            "schema", "on_timeout");
    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h)?$");

    private final String file;
    private final List<FlowProblem> problems = new ArrayList<>();

    private FlowParser(String file) {
        this.file = file;
    }

    /** Result of parsing: a blueprint when the structure allowed building one, and every problem seen. */
    public record Result(FlowBlueprint blueprint, List<FlowProblem> problems) {
    }

    public static Result parse(String file, String source) {
        return new FlowParser(file).run(source);
    }

    /** Content hash of a flow source: the version a run pins. */
    public static String contentHash(String source) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Parses "300s", "5m", "1h", "250ms" or a bare number of seconds. */
    public static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return Optional.of(switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        });
    }

    private Result run(String source) {
        Node root;
        try {
            var options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            root = new Yaml(options).compose(new StringReader(source));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            problem(line, null, "YAML syntax: " + e.getProblem());
            return new Result(null, problems);
        } catch (YAMLException e) {
            problem(1, null, "YAML syntax: " + e.getMessage());
            return new Result(null, problems);
        }
        if (!(root instanceof MappingNode map)) {
            problem(root == null ? 1 : line(root), null, "a flow file must be a mapping with name and executors");
            return new Result(null, problems);
        }
        var fields = fields(map, FLOW_KEYS, null);
        String name = string(fields, "name", null).orElse(null);
        if (name == null) {
            problem(line(map), null, "missing 'name'");
        } else if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            problem(line(fields.get("name")), null, "name '" + name + "' must be lower-case letters, digits, '-' or '_'");
        }
        String description = string(fields, "description", null).orElse(null);
        RoutingPolicy policy = RoutingPolicy.MESSAGE_DRIVEN;
        var policyText = string(fields, "routing_policy", null);
        if (policyText.isPresent()) {
            policy = RoutingPolicy.fromYaml(policyText.get()).orElse(null);
            if (policy == null) {
                problem(line(fields.get("routing_policy")), null, "unknown routing_policy '" + policyText.get()
                        + "' (known: message_driven, sequential)");
                policy = RoutingPolicy.MESSAGE_DRIVEN;
            }
        }
        Duration timeout = duration(fields, "timeout", null);
        Integer maxTokens = positiveInt(fields, "max_tokens", null);
        Integer maxStateBytes = positiveInt(fields, "max_state_bytes", null);

        var executors = new ArrayList<ExecutorSpec>();
        Node executorsNode = fields.get("executors");
        if (executorsNode == null) {
            problem(line(map), null, "missing 'executors'");
        } else if (!(executorsNode instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            problem(line(executorsNode), null, "'executors' must be a non-empty list");
        } else {
            for (Node item : seq.getValue()) {
                executor(item).ifPresent(executors::add);
            }
        }
        if (name == null || executors.isEmpty()) {
            return new Result(null, problems);
        }
        var blueprint = new FlowBlueprint(name, description, contentHash(source), policy, timeout, maxTokens,
                maxStateBytes == null ? null : maxStateBytes.longValue(), executors, source, file);
        return new Result(blueprint, problems);
    }

    private Optional<ExecutorSpec> executor(Node item) {
        if (!(item instanceof MappingNode map)) {
            problem(line(item), null, "an executor must be a mapping with id and type");
            return Optional.empty();
        }
        var idNode = rawFields(map).get("id");
        String id = idNode instanceof ScalarNode s ? s.getValue() : null;
        var fields = fields(map, EXECUTOR_KEYS, id);
        if (id == null || id.isBlank()) {
            problem(line(map), null, "executor without an 'id'");
            return Optional.empty();
        }
        ExecutorType type = null;
        var typeText = string(fields, "type", id);
        if (typeText.isEmpty()) {
            problem(line(map), id, "missing 'type' (known: " + ExecutorType.known() + ")");
        } else {
            type = ExecutorType.fromYaml(typeText.get()).orElse(null);
            if (type == null) {
                problem(line(fields.get("type")), id, "unknown type '" + typeText.get() + "' (known: "
                        + ExecutorType.known() + ")");
            }
        }
        String model = string(fields, "model", id).orElse(null);
        String prompt = string(fields, "prompt", id).orElse(null);
        List<String> tools = stringList(fields, "tools", id);
        List<String> outputTo = stringList(fields, "output_to", id);
        Integer maxTokens = positiveInt(fields, "max_tokens", id);
        Duration timeout = duration(fields, "timeout", id);
        Integer retries = nonNegativeInt(fields, "retries", id);
        Map<String, Object> parameters = Map.of();
        if (fields.containsKey("parameters")) {
            if (fields.get("parameters") instanceof MappingNode pm) {
                parameters = plainMap(pm);
            } else {
                problem(line(fields.get("parameters")), id, "'parameters' must be a mapping");
            }
        }
        MergeStrategy strategy = null;
        var strategyText = string(fields, "strategy", id);
        if (strategyText.isPresent()) {
            strategy = MergeStrategy.fromYaml(strategyText.get()).orElse(null);
            if (strategy == null) {
                problem(line(fields.get("strategy")), id, "unknown merge strategy '" + strategyText.get()
                        + "' (known: " + MergeStrategy.known() + ")");
            }
        }
        var routes = new ArrayList<Route>();
        String defaultTarget = null;
        Node routesNode = fields.get("routes");
        if (routesNode != null) {
            if (!(routesNode instanceof SequenceNode seq)) {
                problem(line(routesNode), id, "'routes' must be a list");
            } else {
                for (Node r : seq.getValue()) {
                    if (!(r instanceof MappingNode rm)) {
                        problem(line(r), id, "a route must be {condition, target} or {default: target}");
                        continue;
                    }
                    var rf = rawFields(rm);
                    if (rf.containsKey("default")) {
                        if (rf.size() != 1 || !(rf.get("default") instanceof ScalarNode d)) {
                            problem(line(rm), id, "a default route is written '- default: <target>' alone");
                        } else if (defaultTarget != null) {
                            problem(line(rm), id, "more than one default route");
                        } else {
                            defaultTarget = d.getValue();
                        }
                        continue;
                    }
                    var unknown = rf.keySet().stream().filter(k -> !k.equals("condition") && !k.equals("target"))
                            .toList();
                    if (!unknown.isEmpty()) {
                        problem(line(rm), id, "unknown route key(s) " + unknown + " (known: condition, target, default)");
                    }
                    if (!(rf.get("condition") instanceof ScalarNode c) || c.getValue().isBlank()) {
                        problem(line(rm), id, "route without a 'condition'");
                        continue;
                    }
                    if (!(rf.get("target") instanceof ScalarNode t) || t.getValue().isBlank()) {
                        problem(line(rm), id, "route without a 'target'");
                        continue;
                    }
                    routes.add(new Route(c.getValue(), t.getValue(), line(rm)));
                }
            }
        }
        String channel = string(fields, "channel", id).orElse(null);
        String toSession = string(fields, "to_session", id).orElse(null);
        String message = string(fields, "message", id).orElse(null);
        if (type == null) {
            return Optional.empty();
        }
        // a tool executor names one tool and its arguments; they are kept as its tools and parameters
        var tool = string(fields, "tool", id);
        if (type == ExecutorType.TOOL) {
            if (fields.containsKey("tools") || fields.containsKey("parameters")) {
                problem(line(map), id, "a tool executor takes 'tool' and 'arguments', not 'tools' or 'parameters'");
            }
            if (tool.isEmpty()) {
                problem(line(map), id, "tool executor needs a 'tool' (one of " + String.join(", ",
                        BuiltinTools.names()) + ")");
            }
            tools = tool.map(List::of).orElse(List.of());
            parameters = Map.of();
            if (fields.containsKey("arguments")) {
                if (fields.get("arguments") instanceof MappingNode am) {
                    parameters = plainMap(am);
                } else {
                    problem(line(fields.get("arguments")), id, "'arguments' must be a mapping");
                }
            }
        } else if (fields.containsKey("tool") || fields.containsKey("arguments")) {
            problem(line(map), id, "only tool executors take 'tool' and 'arguments' (an llm executor lists 'tools')");
        }
        MemorySpec memory = memory(fields.get("memory"), type, id);
        HumanSpec human = human(fields, type, id);
        var interrupts = new ExecutorSpec.Interrupts(flag(fields, "interrupt_before", id),
                flag(fields, "interrupt_after", id));
        return Optional.of(new ExecutorSpec(id, type, model, prompt, tools, outputTo, routes, defaultTarget,
                strategy, maxTokens, timeout, retries, parameters, channel, toSession, message, memory, human,
                interrupts, line(map)));
    }

    /** {@code question}, {@code schema} and {@code on_timeout}, which only a human executor takes. */
    private HumanSpec human(Map<String, Node> fields, ExecutorType type, String id) {
        if (type != ExecutorType.HUMAN) {
            for (String key : List.of("question", "schema", "on_timeout")) {
                if (fields.containsKey(key)) {
                    problem(line(fields.get(key)), id, "only human executors take '" + key + "'");
                }
            }
            return null;
        }
        String question = string(fields, "question", id).orElse(null);
        JsonNode schema = null;
        if (fields.containsKey("schema")) {
            if (fields.get("schema") instanceof MappingNode sm) {
                schema = JsonValues.MAPPER.valueToTree(plainMap(sm));
            } else {
                problem(line(fields.get("schema")), id, "'schema' must be a mapping (a JSON Schema for the answer)");
            }
        }
        String onTimeout = string(fields, "on_timeout", id).orElse(null);
        return new HumanSpec(question, schema, onTimeout);
    }

    private boolean flag(Map<String, Node> fields, String key, String executorId) {
        Node n = fields.get(key);
        if (n == null) {
            return false;
        }
        if (n instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
            return (Boolean) typed(s);
        }
        problem(line(n), executorId, "'" + key + "' must be true or false");
        return false;
    }

    /** {@code memory: {recall: k, store: output | none, scope: assistant | session | workspace}} on llm executors. */
    private MemorySpec memory(Node node, ExecutorType type, String id) {
        if (node == null) {
            return null;
        }
        if (type != ExecutorType.LLM) {
            problem(line(node), id, "only llm executors take 'memory'");
            return null;
        }
        if (!(node instanceof MappingNode mm)) {
            problem(line(node), id, "'memory' must be a mapping {recall, store, scope}");
            return null;
        }
        var mf = rawFields(mm);
        var unknown = mf.keySet().stream().filter(k -> !Set.of("recall", "store", "scope").contains(k)).toList();
        if (!unknown.isEmpty()) {
            problem(line(mm), id, "unknown memory key(s) " + unknown + " (known: recall, store, scope)");
        }
        int recall = 0;
        if (mf.get("recall") instanceof ScalarNode r) {
            try {
                recall = Integer.parseInt(r.getValue());
            } catch (NumberFormatException e) {
                recall = -1;
            }
            if (recall < 0 || recall > MemorySpec.MAX_RECALL) {
                problem(line(r), id, "memory.recall must be a whole number from 0 to " + MemorySpec.MAX_RECALL);
                recall = 0;
            }
        }
        boolean store = false;
        if (mf.get("store") instanceof ScalarNode st) {
            if (!List.of("output", "none").contains(st.getValue())) {
                problem(line(st), id, "memory.store must be 'output' or 'none'");
            }
            store = "output".equals(st.getValue());
        }
        String scope = "assistant";
        if (mf.get("scope") instanceof ScalarNode sc) {
            if (!MemorySpec.SCOPES.contains(sc.getValue())) {
                problem(line(sc), id, "memory.scope must be one of " + MemorySpec.SCOPES);
            } else {
                scope = sc.getValue();
            }
        }
        if (recall == 0 && !store) {
            problem(line(mm), id, "memory needs 'recall' (k > 0) or 'store: output'");
        }
        return new MemorySpec(recall, store, scope);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private Map<String, Node> rawFields(MappingNode map) {
        var out = new LinkedHashMap<String, Node>();
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                out.put(k.getValue(), t.getValueNode());
            }
        }
        return out;
    }

    private Map<String, Node> fields(MappingNode map, Set<String> known, String executorId) {
        var out = new LinkedHashMap<String, Node>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                problem(line(t.getKeyNode()), executorId, "keys must be plain strings");
                continue;
            }
            if (!known.contains(k.getValue())) {
                problem(line(k), executorId, "unknown key '" + k.getValue() + "' (known: "
                        + known.stream().sorted().toList() + ")");
                continue;
            }
            out.put(k.getValue(), t.getValueNode());
        }
        return out;
    }

    private Optional<String> string(Map<String, Node> fields, String key, String executorId) {
        Node n = fields.get(key);
        if (n == null) {
            return Optional.empty();
        }
        if (n instanceof ScalarNode s && !s.getValue().isBlank()) {
            return Optional.of(s.getValue().trim());
        }
        problem(line(n), executorId, "'" + key + "' must be a non-empty string");
        return Optional.empty();
    }

    private List<String> stringList(Map<String, Node> fields, String key, String executorId) {
        Node n = fields.get(key);
        if (n == null) {
            return List.of();
        }
        if (n instanceof SequenceNode seq) {
            var out = new ArrayList<String>();
            for (Node item : seq.getValue()) {
                if (item instanceof ScalarNode s && !s.getValue().isBlank()) {
                    out.add(s.getValue().trim());
                } else {
                    problem(line(item), executorId, "'" + key + "' must list plain names");
                }
            }
            return out;
        }
        problem(line(n), executorId, "'" + key + "' must be a list, e.g. [a, b]");
        return List.of();
    }

    private Integer positiveInt(Map<String, Node> fields, String key, String executorId) {
        Integer v = integer(fields, key, executorId);
        if (v != null && v <= 0) {
            problem(line(fields.get(key)), executorId, "'" + key + "' must be positive");
            return null;
        }
        return v;
    }

    private Integer nonNegativeInt(Map<String, Node> fields, String key, String executorId) {
        Integer v = integer(fields, key, executorId);
        if (v != null && v < 0) {
            problem(line(fields.get(key)), executorId, "'" + key + "' must not be negative");
            return null;
        }
        return v;
    }

    private Integer integer(Map<String, Node> fields, String key, String executorId) {
        Node n = fields.get(key);
        if (n == null) {
            return null;
        }
        if (n instanceof ScalarNode s) {
            try {
                return Integer.parseInt(s.getValue().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problem(line(n), executorId, "'" + key + "' must be a whole number");
        return null;
    }

    private Duration duration(Map<String, Node> fields, String key, String executorId) {
        Node n = fields.get(key);
        if (n == null) {
            return null;
        }
        if (n instanceof ScalarNode s) {
            var d = parseDuration(s.getValue());
            if (d.isPresent() && !d.get().isZero()) {
                return d.get();
            }
        }
        problem(line(n), executorId, "'" + key + "' must be a positive duration such as 300s, 5m or 250ms");
        return null;
    }

    private Map<String, Object> plainMap(MappingNode map) {
        var out = new LinkedHashMap<String, Object>();
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                out.put(k.getValue(), plain(t.getValueNode()));
            }
        }
        return out;
    }

    /** A YAML value as plain Java: scalars typed as YAML resolved them (1 a number, true a boolean, ~ null). */
    private Object plain(Node n) {
        if (n instanceof ScalarNode s) {
            return typed(s);
        }
        if (n instanceof SequenceNode seq) {
            return seq.getValue().stream().map(this::plain).toList();
        }
        if (n instanceof MappingNode m) {
            return plainMap(m);
        }
        return null;
    }

    private static Object typed(ScalarNode s) {
        var tag = s.getTag();
        String value = s.getValue();
        try {
            if (Tag.INT.equals(tag)) {
                return Long.parseLong(value.replace("_", ""));
            }
            if (Tag.FLOAT.equals(tag)) {
                return Double.parseDouble(value.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            return value; // octal, hex or sexagesimal spellings stay text
        }
        if (Tag.BOOL.equals(tag)) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "y" -> true;
                default -> false;
            };
        }
        if (Tag.NULL.equals(tag)) {
            return null;
        }
        return value;
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 1 : n.getStartMark().getLine() + 1;
    }

    private void problem(int line, String executorId, String message) {
        problems.add(new FlowProblem(file, line, executorId, message));
    }
}
