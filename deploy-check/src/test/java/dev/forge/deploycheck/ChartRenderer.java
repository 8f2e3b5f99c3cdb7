package dev.forge.deploycheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Renders the chart with the subset of Helm's template language its templates use, and refuses anything else (so a
 * template that CI cannot check cannot creep in): {@code {{ .Values.a.b }}}, {@code {{ .Values.a.b | quote }}},
 * {@code {{- toYaml .Values.a | nindent N }}} on a line of its own, and {@code {{- if .Values.a }}} /
 * {@code {{- else }}} / {@code {{- end }}} on lines of their own. Truthiness as Helm's: false, 0, "", null and empty
 * collections are false.
 */
final class ChartRenderer {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final Pattern CONTROL = Pattern.compile(
            "\\s*\\{\\{-?\\s*(if\\s+\\.Values\\.([\\w.]+)|else|end)\\s*-?}}\\s*");
    private static final Pattern TO_YAML = Pattern.compile(
            "\\s*\\{\\{-\\s*toYaml\\s+\\.Values\\.([\\w.]+)\\s*\\|\\s*nindent\\s+(\\d+)\\s*}}\\s*");
    private static final Pattern VALUE = Pattern.compile("\\{\\{\\s*\\.Values\\.([\\w.]+)\\s*(\\|\\s*quote\\s*)?}}");

    private final Map<String, Object> values;

    ChartRenderer(Map<String, Object> values) {
        this.values = values;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readValues(Path file) throws IOException {
        return YAML.readValue(file.toFile(), Map.class);
    }

    /** Every template of {@code templates}, rendered and split into documents (empty ones dropped). */
    List<String> render(Path templates) throws IOException {
        var docs = new ArrayList<String>();
        try (var files = Files.list(templates)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String rendered = renderText(Files.readString(file), file.getFileName().toString());
                for (String doc : rendered.split("(?m)^---\\s*$")) {
                    if (doc.lines().anyMatch(l -> !l.isBlank() && !l.trim().startsWith("#"))) {
                        docs.add(doc);
                    }
                }
            }
        }
        return docs;
    }

    String renderText(String template, String name) {
        var out = new StringBuilder();
        // each open if: whether its current branch is emitted
        Deque<Boolean> emitting = new ArrayDeque<>();
        Deque<Boolean> conditions = new ArrayDeque<>();
        int lineNo = 0;
        for (String line : template.split("\n", -1)) {
            lineNo++;
            String where = name + ":" + lineNo;
            Matcher control = CONTROL.matcher(line);
            if (control.matches()) {
                String tag = control.group(1);
                boolean outer = emitting.isEmpty() || emitting.peek();
                if (tag.startsWith("if")) {
                    boolean condition = truthy(value(control.group(2), where));
                    conditions.push(condition);
                    emitting.push(outer && condition);
                } else if (tag.equals("else")) {
                    require(!conditions.isEmpty(), "else without if", where);
                    emitting.pop();
                    boolean parent = emitting.isEmpty() || emitting.peek();
                    emitting.push(parent && !conditions.peek());
                } else {
                    require(!conditions.isEmpty(), "end without if", where);
                    conditions.pop();
                    emitting.pop();
                }
                continue;
            }
            if (!emitting.isEmpty() && !emitting.peek()) {
                continue;
            }
            Matcher toYaml = TO_YAML.matcher(line);
            if (toYaml.matches()) {
                String indent = " ".repeat(Integer.parseInt(toYaml.group(2)));
                try {
                    for (String dumped : YAML.writeValueAsString(value(toYaml.group(1), where)).split("\n")) {
                        out.append(indent).append(dumped).append('\n');
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(where + ": " + e.getMessage(), e);
                }
                continue;
            }
            Matcher value = VALUE.matcher(line);
            var rendered = new StringBuilder();
            while (value.find()) {
                Object v = value(value.group(1), where);
                String text = String.valueOf(v);
                value.appendReplacement(rendered, Matcher.quoteReplacement(value.group(2) != null ? quote(text)
                        : text));
            }
            value.appendTail(rendered);
            require(!rendered.toString().contains("{{"), "unsupported template construct: " + line.trim(), where);
            out.append(rendered).append('\n');
        }
        require(conditions.isEmpty(), "if without end", name);
        return out.toString();
    }

    private Object value(String path, String where) {
        Object current = values;
        for (String key : path.split("\\.")) {
            require(current instanceof Map<?, ?> map && map.containsKey(key), "no value .Values." + path, where);
            current = ((Map<?, ?>) current).get(key);
        }
        return current;
    }

    private static boolean truthy(Object v) {
        if (v == null || Boolean.FALSE.equals(v) || "".equals(v)) {
            return false;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        return !(v instanceof Map<?, ?> m) || !m.isEmpty();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void require(boolean ok, String problem, String where) {
        if (!ok) {
            throw new IllegalStateException(where + ": " + problem);
        }
    }
}
