package dev.forge.worker.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.forge.core.flow.ModelRoutes;
import dev.forge.core.json.JsonValues;
import io.smallrye.mutiny.Uni;

/**
 * The offline, deterministic provider: answers from rules (executor, model glob, regex over the prompt) with templates.
 * It is the embedded default so the demo and tests run without network or keys; it is not a language model.
 * Templates may use {{executor}}, {{model}}, {{prompt}}, {{match}} (the regex match) and {{words}} (prompt word count);
 * a rule with {@code call_tool} makes the model call a tool first, and its response may use {{tool_result}}.
 */
public class ScriptedLlmProvider implements LlmProvider {

    public static final String NAME = "scripted";

    /**
     * One rule; null fields match anything. With {@code callTool} the rule first asks for that tool (its arguments
     * rendered like the response) when the tool is offered and has not answered yet in this step — or on every turn
     * with {@code repeatCall} — and responds once the result is in.
     */
    public record Rule(String executor, String model, Pattern match, String respond, long delayMs, int failTimes,
            String callTool, Map<String, Object> callArguments, boolean repeatCall, boolean stream) {

        public Rule(String executor, String model, Pattern match, String respond, long delayMs, int failTimes) {
            this(executor, model, match, respond, delayMs, failTimes, null, Map.of(), false, false);
        }
    }

    private static final Pattern TOOL_RESULT = Pattern.compile("\\{\\{tool_result((?:\\.[A-Za-z0-9_]+)*)}}");

    private final List<Rule> rules;

    public ScriptedLlmProvider(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Loads rules from YAML ({@code rules: [{executor, model, match, respond, delay_ms}]}); no file, no rules. */
    public static ScriptedLlmProvider fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return new ScriptedLlmProvider(List.of());
        }
        try {
            return new ScriptedLlmProvider(parse(Files.readString(file)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read scripted LLM rules " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Rule> parse(String yaml) {
        Object root = new Yaml(new LoaderOptions()).load(yaml);
        var out = new ArrayList<Rule>();
        if (!(root instanceof Map<?, ?> map) || !(map.get("rules") instanceof List<?> list)) {
            throw new IllegalStateException("scripted LLM rules must be a mapping with a 'rules' list");
        }
        int i = 0;
        for (Object o : list) {
            i++;
            if (!(o instanceof Map<?, ?> r) || !(r.get("respond") instanceof String respond)) {
                throw new IllegalStateException("scripted LLM rule #" + i + " needs a 'respond' template");
            }
            var m = (Map<String, Object>) r;
            Pattern match = m.get("match") == null ? null : Pattern.compile(m.get("match").toString(), Pattern.DOTALL);
            long delay = m.get("delay_ms") == null ? 0 : Long.parseLong(m.get("delay_ms").toString());
            String callTool = null;
            Map<String, Object> callArguments = Map.of();
            boolean repeat = false;
            if (m.get("call_tool") instanceof Map<?, ?> call) {
                if (!(call.get("name") instanceof String name)) {
                    throw new IllegalStateException("scripted LLM rule #" + i + ": call_tool needs a 'name'");
                }
                callTool = name;
                callArguments = call.get("arguments") instanceof Map<?, ?> a ? (Map<String, Object>) a : Map.of();
                repeat = Boolean.TRUE.equals(call.get("repeat"));
            }
            out.add(new Rule((String) m.get("executor"), (String) m.get("model"), match, respond, delay, 0,
                    callTool, callArguments, repeat, Boolean.TRUE.equals(m.get("stream"))));
        }
        return out;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<LlmResponse> complete(LlmRequest request) {
        return answer(request, null);
    }

    /** A rule with {@code stream: true} hands its answer over word by word (spaces kept) before answering whole. */
    @Override
    public Uni<LlmResponse> stream(LlmRequest request, Consumer<String> deltas) {
        return answer(request, deltas);
    }

    private Uni<LlmResponse> answer(LlmRequest request, Consumer<String> deltas) {
        String prompt = request.prompt() == null ? "" : request.prompt();
        for (Rule rule : rules) {
            if (rule.executor() != null && !rule.executor().equals(request.executorId())) {
                continue;
            }
            if (rule.model() != null && !ModelRoutes.globMatches(rule.model(), request.model())) {
                continue;
            }
            String matched = "";
            if (rule.match() != null) {
                Matcher m = rule.match().matcher(prompt);
                if (!m.find()) {
                    continue;
                }
                matched = m.group();
            }
            if (wantsTool(rule, request)) {
                var arguments = renderArguments(JsonValues.MAPPER.valueToTree(rule.callArguments()), request, prompt,
                        matched);
                var call = new ToolCall("call_" + (request.exchanges().size() + 1), rule.callTool(), arguments);
                return Uni.createFrom().item(new LlmResponse(null, words(prompt), 0, NAME, List.of(call)));
            }
            var text = withToolResult(render(rule.respond(), request, prompt, matched), rule, request);
            var whole = response(prompt, text, request.maxTokens());
            if (rule.stream() && deltas != null) {
                for (String piece : whole.text().split("(?<=\\s)")) {
                    deltas.accept(piece);
                }
            }
            var answer = Uni.createFrom().item(whole);
            return rule.delayMs() > 0 ? answer.onItem().delayIt().by(Duration.ofMillis(rule.delayMs())) : answer;
        }
        var text = "[" + request.model() + "] " + request.executorId() + ": " + prompt;
        return Uni.createFrom().item(response(prompt, text, request.maxTokens()));
    }

    private static boolean wantsTool(Rule rule, LlmRequest request) {
        if (rule.callTool() == null
                || request.toolSpecs().stream().noneMatch(spec -> spec.name().equals(rule.callTool()))) {
            return false;
        }
        return rule.repeatCall() || request.exchanges().stream()
                .noneMatch(e -> e.call().name().equals(rule.callTool()));
    }

    private static JsonNode renderArguments(JsonNode value, LlmRequest request, String prompt, String matched) {
        if (value.isTextual()) {
            return TextNode.valueOf(render(value.asText(), request, prompt, matched));
        }
        if (value.isObject()) {
            var out = JsonValues.MAPPER.createObjectNode();
            value.fields().forEachRemaining(f -> out.set(f.getKey(), renderArguments(f.getValue(), request, prompt,
                    matched)));
            return out;
        }
        return value;
    }

    /** {@code {{tool_result}}} (the tool's answer as JSON), {@code {{tool_result.a.b}}} and {@code {{tool_error}}}. */
    private static String withToolResult(String text, Rule rule, LlmRequest request) {
        ToolExchange last = null;
        for (var e : request.exchanges()) {
            if (e.call().name().equals(rule.callTool())) {
                last = e;
            }
        }
        ToolExchange exchange = last;
        Matcher m = TOOL_RESULT.matcher(text);
        var sb = new StringBuilder();
        while (m.find()) {
            JsonNode node = exchange == null ? null : exchange.result();
            for (String part : m.group(1).isEmpty() ? new String[0] : m.group(1).substring(1).split("\\.")) {
                node = node == null ? null : node.get(part);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(node == null ? "" : JsonValues.text(node)));
        }
        m.appendTail(sb);
        return sb.toString().replace("{{tool_error}}", exchange == null || exchange.error() == null ? ""
                : exchange.error());
    }

    private LlmResponse response(String prompt, String text, Integer maxTokens) {
        String out = text;
        int tokens = words(out);
        if (maxTokens != null && tokens > maxTokens) {
            // honour max_tokens the way a model would: stop after that many (whitespace) tokens
            var parts = out.split("\\s+");
            out = String.join(" ", Arrays.copyOf(parts, maxTokens));
            tokens = maxTokens;
        }
        return new LlmResponse(out, words(prompt), tokens, NAME);
    }

    private static String render(String template, LlmRequest request, String prompt, String matched) {
        return template.replace("{{executor}}", request.executorId())
                .replace("{{model}}", request.model())
                .replace("{{match}}", matched)
                .replace("{{words}}", Integer.toString(words(prompt)))
                .replace("{{prompt}}", prompt);
    }

    static int words(String s) {
        var t = s.trim();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

}
