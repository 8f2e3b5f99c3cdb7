package dev.forge.worker.service;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.json.JsonValues;

/**
 * The templates of a flow's executors ({@code {{input.x}}}, {@code {{state.classifier.label}}}, ...): what they see,
 * how prompts, messages and tool arguments are rendered, and how a model's answer becomes an output.
 */
final class StepTemplates {

    private static final ObjectReader WHOLE_JSON = JsonValues.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z0-9_.]+)\\s*}}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StepTemplates() {
    }

    /**
     * Arguments with their templates filled: a string that is exactly one placeholder becomes the value it names
     * (an object stays an object); other strings are rendered as text; everything else is kept.
     */
    static JsonNode renderValues(JsonNode value, ObjectNode context) {
        if (value.isTextual()) {
            Matcher whole = PLACEHOLDER.matcher(value.asText().strip());
            if (whole.matches()) {
                JsonNode found = lookup(context, whole.group(1));
                return found == null ? NODES.nullNode() : found;
            }
            return NODES.textNode(render(value.asText(), context));
        }
        if (value.isObject()) {
            var out = NODES.objectNode();
            value.fields().forEachRemaining(f -> out.set(f.getKey(), renderValues(f.getValue(), context)));
            return out;
        }
        if (value.isArray()) {
            var out = NODES.arrayNode();
            value.forEach(v -> out.add(renderValues(v, context)));
            return out;
        }
        return value;
    }

    private static String messages(List<RunState.Message> inbox) {
        return inbox.stream()
                .filter(m -> !RunState.INPUT_SENDER.equals(m.from()))
                .map(m -> "[" + m.from() + "] " + JsonValues.text(m.payload()))
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /**
     * What templates see: {@code {{input.x}}, {{message}}, {{state.<executor>}}, {{params.x}}, {{executor}}},
     * {@code {{skill.name}}, {{skill.parameters.x}}, {{skill.text}}} when a slash command started the run, and
     * {@code {{artifacts.0.text}}} (also name, content_type, size_bytes, sha256) for the run's artifacts.
     */
    static ObjectNode templateContext(ExecutorSpec spec, List<RunState.Message> inbox, RunState state) {
        String messages = messages(inbox);
        var context = NODES.objectNode();
        context.set("input", state.input);
        context.put("message", messages.isEmpty() ? JsonValues.text(state.input) : messages);
        context.set("state", JsonValues.MAPPER.valueToTree(state.outputs));
        context.set("params", JsonValues.MAPPER.valueToTree(spec.parameters()));
        context.put("executor", spec.id());
        if (state.skill != null) {
            context.set("skill", JsonValues.MAPPER.valueToTree(state.skill));
        }
        var artifacts = context.putArray("artifacts");
        for (var a : state.artifacts) {
            var node = artifacts.addObject().put("id", a.id()).put("name", a.name())
                    .put("content_type", a.contentType()).put("size_bytes", a.sizeBytes()).put("sha256", a.sha256());
            String text = state.artifactTexts.get(a.id());
            if (text != null) {
                node.put("text", text);
            }
        }
        return context;
    }

    /** The executor's prompt template rendered, or by default the run input followed by the incoming messages. */
    static String prompt(ExecutorSpec spec, List<RunState.Message> inbox, RunState state) {
        String messages = messages(inbox);
        if (spec.prompt() != null) {
            return render(spec.prompt(), templateContext(spec, inbox, state));
        }
        var sb = new StringBuilder(JsonValues.text(state.input));
        for (var a : state.artifacts) {
            String text = state.artifactTexts.get(a.id());
            sb.append("\n\n[artifact ").append(a.name()).append(text != null ? "]\n" + text
                    : " (" + a.contentType() + ", " + a.sizeBytes() + " bytes)]");
        }
        if (!messages.isEmpty()) {
            sb.append("\n\n").append(messages);
        }
        return sb.toString();
    }

    static String render(String template, ObjectNode context) {
        Matcher m = PLACEHOLDER.matcher(template);
        var sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(JsonValues.text(lookup(context, m.group(1)))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The value a placeholder path names ({@code state.classifier.label}), or null. */
    private static JsonNode lookup(ObjectNode context, String path) {
        JsonNode node = context;
        for (String part : path.split("\\.")) {
            if (node != null) {
                // list items by position: {{artifacts.0.text}}
                node = node.isArray() && part.matches("\\d{1,4}") ? node.get(Integer.parseInt(part))
                        : node.get(part);
            }
        }
        return node;
    }

    /** A JSON object or array answer becomes structured output (so conditions can read fields); else text. */
    static JsonNode parseOutput(String text) {
        var t = text == null ? "" : text.trim();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                // the whole answer must be JSON: prose after a JSON prefix keeps the answer as text
                return WHOLE_JSON.readTree(t);
            } catch (JsonProcessingException e) {
                // not JSON after all: keep the text
            }
        }
        return NODES.textNode(text == null ? "" : text);
    }
}
