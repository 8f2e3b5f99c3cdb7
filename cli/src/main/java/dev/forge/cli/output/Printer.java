package dev.forge.cli.output;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import picocli.CommandLine.Help.Ansi;

/**
 * Prints a resource or a list of them in the chosen format: a table (or a field list for one resource) for people,
 * JSON or YAML with the REST API's field names for scripts. Colours through picocli's ANSI markup, off when
 * {@code --no-color}, {@code NO_COLOR} or not a terminal.
 */
public final class Printer {

    private static final int MAX_CELL = 60;
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build()).build();

    private final PrintWriter out;
    private final OutputFormat format;
    private final Ansi ansi;

    public Printer(PrintWriter out, OutputFormat format, Ansi ansi) {
        this.out = out;
        this.format = format;
        this.ansi = ansi;
    }

    public OutputFormat format() {
        return format;
    }

    public Ansi ansi() {
        return ansi;
    }

    public PrintWriter out() {
        return out;
    }

    /** A list: rows under headings, or the whole array as JSON/YAML. */
    public void list(List<JsonNode> rows, List<Column> columns) {
        if (format != OutputFormat.table) {
            structured(Messages.JSON.valueToTree(rows));
            return;
        }
        if (rows.isEmpty()) {
            out.println(ansi.string("@|faint (none)|@"));
            out.flush();
            return;
        }
        var cells = new ArrayList<List<String>>();
        for (var row : rows) {
            cells.add(columns.stream().map(c -> clip(c.cell().apply(row))).toList());
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = columns.get(i).heading().length();
            for (var line : cells) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        var heading = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            heading.append(pad(columns.get(i).heading(), widths[i], i == widths.length - 1));
        }
        out.println(ansi.string("@|bold " + escape(heading.toString()) + "|@"));
        for (var line : cells) {
            var text = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                text.append(pad(line.get(i), widths[i], i == widths.length - 1));
            }
            out.println(text);
        }
        out.flush();
    }

    /** One resource: "name  value" lines of the given fields, or the whole object as JSON/YAML. */
    public void object(JsonNode resource, List<Column> fields) {
        if (format != OutputFormat.table) {
            structured(resource);
            return;
        }
        int width = fields.stream().mapToInt(f -> f.heading().length()).max().orElse(0);
        for (var field : fields) {
            out.println(ansi.string("@|bold " + escape(pad(field.heading(), width, false)) + "|@")
                    + field.cell().apply(resource));
        }
        out.flush();
    }

    /** JSON (two-space indented) or YAML of any value; stable for scripts. */
    public void structured(JsonNode value) {
        try {
            if (format == OutputFormat.yaml) {
                out.print(YAML.writeValueAsString(value));
            } else {
                out.println(Messages.JSON.writer().with(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(value));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text meant to be read as it is (a flow's source, a graph): as it is in a table, else {@code structured}. */
    public void text(String text, JsonNode structured) {
        if (format == OutputFormat.table) {
            out.println(text.stripTrailing());
            out.flush();
        } else {
            structured(structured);
        }
    }

    /** One record of a stream (events, log lines): a compact JSON line, or a YAML document. */
    public void record(JsonNode value) {
        try {
            if (format == OutputFormat.yaml) {
                out.print("---\n" + YAML.writeValueAsString(value));
            } else {
                out.println(Messages.JSON.writeValueAsString(value));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cell's text: strings as they are, numbers and booleans printed, arrays joined, objects as compact JSON. */
    public static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "-";
        }
        if (node.isTextual()) {
            return node.asText().isEmpty() ? "-" : node.asText();
        }
        if (node.isArray() && node.size() > 0 && node.get(0).isValueNode()) {
            var parts = new ArrayList<String>();
            node.forEach(n -> parts.add(n.asText()));
            return String.join(", ", parts);
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    /** "2026-12-06T19:31:02.123456Z" as "2026-12-06 19:31:02". */
    public static String time(JsonNode node) {
        String text = text(node);
        if (text.length() >= 19 && text.charAt(10) == 'T') {
            return text.substring(0, 10) + " " + text.substring(11, 19);
        }
        return text;
    }

    /** Markup characters in data must not be read as picocli style markup. */
    public static String escape(String text) {
        return text.replace("@|", "@ |");
    }

    private static String clip(String text) {
        String line = text.replace('\n', ' ');
        return line.length() <= MAX_CELL ? line : line.substring(0, MAX_CELL - 1) + "…";
    }

    private static String pad(String text, int width, boolean last) {
        if (last) {
            return text;
        }
        return text + " ".repeat(width - text.length() + 2);
    }
}
