package dev.forge.skill.service;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import dev.forge.skill.Skill;
import dev.forge.skill.SkillProblem;

/**
 * The SKILL.md format: optional YAML frontmatter between {@code ---} lines; a {@code # Title}; a description
 * paragraph; then {@code ## Triggers} (slash commands), {@code ## Tools} and {@code ## Parameters} as lists, a
 * parameter written {@code - name: description. Default: value} (no default: required). Other {@code ##} sections are
 * documentation and ignored. Every problem is reported with its line; a file with any problem yields no skill.
 */
public final class SkillMarkdown {

    /** Skill names and directory names: what may appear in a URL path segment and a Consul tag. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    static final Pattern TRIGGER = Pattern.compile("/[a-z0-9][a-z0-9-]{0,63}");
    static final Pattern TOOL = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}");
    static final Pattern PARAMETER = Pattern.compile("([A-Za-z_][A-Za-z0-9_-]{0,63})\\s*:\\s*(.*)");
    private static final Pattern DEFAULT = Pattern.compile("(.*?)\\.?\\s*\\bDefault:\\s*(.*)");
    public static final int MAX_BYTES = 256 * 1024;

    private SkillMarkdown() {
    }

    /** What parsing one file gave: the skill (absent when there were problems) and the line of each trigger. */
    public record Parsed(Optional<Skill> skill, Map<String, Integer> triggerLines, List<SkillProblem> problems) {
    }

    /**
     * Parses one SKILL.md. {@code directoryName} names the skill unless the frontmatter sets {@code name};
     * {@code path} (relative to the skills directory) is what problems and the skill report.
     */
    public static Parsed parse(String path, String directoryName, byte[] content, Skill.Source source,
            Instant loadedAt) {
        var problems = new ArrayList<SkillProblem>();
        if (content.length > MAX_BYTES) {
            problems.add(new SkillProblem(path, 0, "too_large", "SKILL.md is " + content.length
                    + " bytes; the limit is " + MAX_BYTES));
            return new Parsed(Optional.empty(), Map.of(), problems);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            problems.add(new SkillProblem(path, 0, "not_utf8", "SKILL.md is not UTF-8 text"));
            return new Parsed(Optional.empty(), Map.of(), problems);
        }
        var lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        var reader = new Reader(path, lines, problems);

        Map<String, String> metadata = reader.frontmatter();
        String name = metadata.getOrDefault("name", directoryName);
        if (!NAME.matcher(name).matches()) {
            problems.add(new SkillProblem(path, metadata.containsKey("name") ? reader.frontmatterLine("name") : 0,
                    "invalid_name", "skill name '" + name + "' must be lowercase letters, digits and dashes "
                            + "(at most 64)"));
        }
        String title = reader.title();
        String description = reader.description();
        if (description.isEmpty()) {
            description = metadata.getOrDefault("description", "");
        }
        if (title != null && description.isEmpty()) {
            problems.add(new SkillProblem(path, reader.titleLine, "missing_description",
                    "a description paragraph must follow the title"));
        }
        var sections = reader.sections();
        var triggerLines = new LinkedHashMap<String, Integer>();
        for (var item : sections.getOrDefault("triggers", List.of())) {
            if (!TRIGGER.matcher(item.text()).matches()) {
                problems.add(new SkillProblem(path, item.line(), "invalid_trigger", "trigger '" + item.text()
                        + "' must be a slash command such as /extract-tables"));
            } else if (triggerLines.putIfAbsent(item.text(), item.line()) != null) {
                problems.add(new SkillProblem(path, item.line(), "duplicate_trigger", "trigger " + item.text()
                        + " is listed twice"));
            }
        }
        if (!sections.containsKey("triggers") || sections.get("triggers").isEmpty()) {
            problems.add(new SkillProblem(path, 0, "no_triggers",
                    "a skill needs a '## Triggers' section with at least one slash command"));
        }
        Set<String> tools = new LinkedHashSet<>();
        for (var item : sections.getOrDefault("tools", List.of())) {
            if (!TOOL.matcher(item.text()).matches()) {
                problems.add(new SkillProblem(path, item.line(), "invalid_tool", "tool '" + item.text()
                        + "' is not a tool name"));
            } else if (!tools.add(item.text())) {
                problems.add(new SkillProblem(path, item.line(), "duplicate_tool", "tool " + item.text()
                        + " is listed twice"));
            }
        }
        var parameters = new ArrayList<Skill.Parameter>();
        for (var item : sections.getOrDefault("parameters", List.of())) {
            var m = PARAMETER.matcher(item.text());
            if (!m.matches()) {
                problems.add(new SkillProblem(path, item.line(), "invalid_parameter", "parameter line must read "
                        + "'- name: description. Default: value' (the default is optional)"));
                continue;
            }
            String parameterName = m.group(1);
            String rest = m.group(2).trim();
            Optional<String> defaultValue = Optional.empty();
            var d = DEFAULT.matcher(rest);
            if (d.matches()) {
                rest = d.group(1).trim();
                defaultValue = Optional.of(d.group(2).trim());
                if (defaultValue.get().isEmpty()) {
                    problems.add(new SkillProblem(path, item.line(), "empty_default", "parameter '" + parameterName
                            + "' says 'Default:' without a value"));
                }
            }
            String described = rest.endsWith(".") ? rest.substring(0, rest.length() - 1) : rest;
            if (parameters.stream().anyMatch(p -> p.name().equals(parameterName))) {
                problems.add(new SkillProblem(path, item.line(), "duplicate_parameter", "parameter '"
                        + parameterName + "' is declared twice"));
                continue;
            }
            parameters.add(new Skill.Parameter(parameterName, described, defaultValue));
        }
        if (!problems.isEmpty() || title == null) {
            return new Parsed(Optional.empty(), Map.of(), problems);
        }
        var skill = new Skill(name, title, description, List.copyOf(triggerLines.keySet()), List.copyOf(tools),
                parameters, source, path, version(content), metadata, loadedAt);
        return new Parsed(Optional.of(skill), triggerLines, problems);
    }

    /** The content version: the first 16 hex digits of the SHA-256 of the file's bytes. */
    public static String version(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** One list item of a section and its line number (1-based). */
    record Item(String text, int line) {
    }

    /** Walks the lines once, front to back, collecting problems as it goes. */
    private static final class Reader {
        private final String path;
        private final String[] lines;
        private final List<SkillProblem> problems;
        private int next;
        private int titleLine;
        private final Map<String, Integer> frontmatterLines = new LinkedHashMap<>();

        Reader(String path, String[] lines, List<SkillProblem> problems) {
            this.path = path;
            this.lines = lines;
            this.problems = problems;
        }

        int frontmatterLine(String key) {
            return frontmatterLines.getOrDefault(key, 1);
        }

        Map<String, String> frontmatter() {
            if (lines.length == 0 || !lines[0].strip().equals("---")) {
                return Map.of();
            }
            int close = -1;
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].strip().equals("---")) {
                    close = i;
                    break;
                }
            }
            if (close < 0) {
                problems.add(new SkillProblem(path, 1, "frontmatter_unterminated",
                        "frontmatter opened with '---' is never closed"));
                next = lines.length;
                return Map.of();
            }
            next = close + 1;
            var yamlText = String.join("\n", Arrays.copyOfRange(lines, 1, close));
            Object loaded;
            try {
                var options = new LoaderOptions();
                options.setMaxAliasesForCollections(10);
                options.setAllowDuplicateKeys(false);
                options.setCodePointLimit(MAX_BYTES);
                loaded = new Yaml(new SafeConstructor(options)).load(yamlText);
            } catch (MarkedYAMLException e) {
                int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 2;
                problems.add(new SkillProblem(path, line, "frontmatter_invalid", "frontmatter is not valid YAML: "
                        + e.getProblem()));
                return Map.of();
            } catch (YAMLException e) {
                problems.add(new SkillProblem(path, 1, "frontmatter_invalid", "frontmatter is not valid YAML"));
                return Map.of();
            }
            if (loaded == null) {
                return Map.of();
            }
            if (!(loaded instanceof Map<?, ?> map)) {
                problems.add(new SkillProblem(path, 2, "frontmatter_not_a_map",
                        "frontmatter must be a YAML mapping of keys to values"));
                return Map.of();
            }
            var out = new LinkedHashMap<String, String>();
            for (int i = 1; i < close; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && !Character.isWhitespace(lines[i].charAt(0))) {
                    frontmatterLines.putIfAbsent(lines[i].substring(0, colon).strip(), i + 1);
                }
            }
            map.forEach((k, v) -> {
                if (v instanceof Map<?, ?> || v instanceof List<?>) {
                    problems.add(new SkillProblem(path, frontmatterLine(String.valueOf(k)), "frontmatter_invalid",
                            "frontmatter key '" + k + "' must have a single value"));
                } else {
                    out.put(String.valueOf(k), v == null ? "" : String.valueOf(v));
                }
            });
            return out;
        }

        /** The {@code # Title} line: the first non-blank line after the frontmatter. */
        String title() {
            while (next < lines.length && lines[next].isBlank()) {
                next++;
            }
            if (next >= lines.length || !lines[next].startsWith("# ") || lines[next].substring(2).isBlank()) {
                problems.add(new SkillProblem(path, Math.min(next + 1, lines.length), "missing_title",
                        "SKILL.md must start with a '# Title' line (after the frontmatter, if any)"));
                return null;
            }
            titleLine = next + 1;
            return lines[next++].substring(2).strip();
        }

        /** The text between the title and the first {@code ##} section, paragraphs kept apart. */
        String description() {
            var paragraphs = new ArrayList<String>();
            var current = new StringBuilder();
            while (next < lines.length && !lines[next].startsWith("#")) {
                String line = lines[next++].strip();
                if (line.isEmpty()) {
                    if (current.length() > 0) {
                        paragraphs.add(current.toString());
                        current.setLength(0);
                    }
                } else {
                    current.append(current.length() > 0 ? " " : "").append(line);
                }
            }
            if (current.length() > 0) {
                paragraphs.add(current.toString());
            }
            return String.join("\n\n", paragraphs);
        }

        /** The list items of the known sections, by lowercase section name. */
        Map<String, List<Item>> sections() {
            var out = new LinkedHashMap<String, List<Item>>();
            String section = null;
            boolean known = false;
            for (; next < lines.length; next++) {
                String line = lines[next];
                int number = next + 1;
                if (line.startsWith("## ")) {
                    section = line.substring(3).strip().toLowerCase(Locale.ROOT);
                    known = section.equals("triggers") || section.equals("tools") || section.equals("parameters");
                    if (known && out.containsKey(section)) {
                        problems.add(new SkillProblem(path, number, "duplicate_section", "section '## "
                                + line.substring(3).strip() + "' appears twice"));
                    }
                    if (known) {
                        out.putIfAbsent(section, new ArrayList<>());
                    }
                    continue;
                }
                if (line.startsWith("# ")) {
                    problems.add(new SkillProblem(path, number, "second_title", "only one '# Title' is allowed"));
                    continue;
                }
                if (!known || line.isBlank()) {
                    continue; // documentation sections and blank lines
                }
                String trimmed = line.strip();
                if (!trimmed.startsWith("- ") && !trimmed.startsWith("* ")) {
                    problems.add(new SkillProblem(path, number, "not_a_list_item", "in '## " + section
                            + "' every line is a list item ('- ...')"));
                    continue;
                }
                out.get(section).add(new Item(trimmed.substring(2).strip(), number));
            }
            return out;
        }
    }
}
