package dev.forge.skill.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.discovery.service.FeatureFlags;
import dev.forge.skill.Skill;
import dev.forge.skill.SkillException;

/**
 * Resolves a slash command ({@code /extract-tables pages=1-3 format=csv compare the totals}) to its skill: the
 * parameters checked against the declared ones (unknown or missing ones refused, every error listed), defaults filled
 * in, the skill's tool bindings, and the words that were not parameters. Values may be double-quoted to hold spaces.
 * Skills named in the {@value #DISABLED_FLAG} feature flag (comma-separated) are refused, so an operator can switch a
 * misbehaving skill off everywhere at once without touching its files.
 */
@ApplicationScoped
public class SkillRouter {

    /** What a command resolved to. */
    public record Resolution(String command, Skill skill, Map<String, String> parameters, List<String> tools,
            String text) {
    }

    public static final String DISABLED_FLAG = "skills-disabled";

    private final SkillRegistry registry;
    private final FeatureFlags flags;

    public SkillRouter(SkillRegistry registry, FeatureFlags flags) {
        this.registry = registry;
        this.flags = flags;
    }

    /** Empty when the input is not a slash command; a {@link SkillException} when it is one that cannot resolve. */
    public Optional<Resolution> resolve(String input) {
        String trimmed = input == null ? "" : input.strip();
        if (!trimmed.startsWith("/") || trimmed.length() == 1 || Character.isWhitespace(trimmed.charAt(1))) {
            return Optional.empty();
        }
        var tokens = tokens(trimmed);
        String command = tokens.get(0);
        if (!SkillMarkdown.TRIGGER.matcher(command).matches()) {
            throw SkillException.invalid("'" + abbreviate(command) + "' is not a slash command", List.of());
        }
        var skill = registry.byTrigger(command).orElseThrow(() -> SkillException.notFound("no skill answers "
                + command));
        if (disabled(skill.name())) {
            throw SkillException.disabled("skill '" + skill.name() + "' is switched off (feature flag "
                    + DISABLED_FLAG + ")");
        }
        var given = new LinkedHashMap<String, String>();
        var words = new ArrayList<String>();
        var errors = new ArrayList<String>();
        for (var token : tokens.subList(1, tokens.size())) {
            int eq = token.indexOf('=');
            String key = eq > 0 ? token.substring(0, eq) : null;
            if (key == null || !SkillMarkdown.PARAMETER.matcher(key + ":").matches()) {
                words.add(token);
                continue;
            }
            if (skill.parameter(key).isEmpty()) {
                errors.add("unknown parameter '" + key + "'; " + command + " takes " + declared(skill));
            } else if (given.put(key, unquote(token.substring(eq + 1))) != null) {
                errors.add("parameter '" + key + "' is given twice");
            }
        }
        var parameters = new LinkedHashMap<String, String>();
        for (var declared : skill.parameters()) {
            var value = Optional.ofNullable(given.get(declared.name())).or(declared::defaultValue);
            if (value.isEmpty()) {
                errors.add("parameter '" + declared.name() + "' is required (" + declared.description() + ")");
            } else {
                parameters.put(declared.name(), value.get());
            }
        }
        if (!errors.isEmpty()) {
            throw SkillException.invalid(errors.size() == 1 ? errors.get(0)
                    : errors.size() + " problems with the parameters of " + command, errors);
        }
        return Optional.of(new Resolution(command, skill, parameters, skill.tools(), String.join(" ", words)));
    }

    private boolean disabled(String name) {
        return flags.value(DISABLED_FLAG).map(v -> Arrays.stream(v.split(",")).map(String::strip)
                .anyMatch(name::equals)).orElse(false);
    }

    private static String declared(Skill skill) {
        return skill.parameters().isEmpty() ? "no parameters"
                : String.join(", ", skill.parameters().stream().map(Skill.Parameter::name).toList());
    }

    /** Splits on whitespace; a double-quoted stretch (with \" and \\ escapes) stays in one token. */
    static List<String> tokens(String input) {
        var out = new ArrayList<String>();
        var current = new StringBuilder();
        boolean quoted = false;
        boolean inToken = false;
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (quoted && c == '\\' && i + 1 < input.length()) {
                current.append(c).append(input.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                current.append(c);
                inToken = true;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (inToken) {
                    out.add(current.toString());
                    current.setLength(0);
                    inToken = false;
                }
            } else {
                current.append(c);
                inToken = true;
            }
        }
        if (quoted) {
            throw SkillException.invalid("a double quote is not closed", List.of());
        }
        if (inToken) {
            out.add(current.toString());
        }
        return out;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            var out = new StringBuilder();
            for (int i = 1; i < value.length() - 1; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length() - 1) {
                    c = value.charAt(++i);
                }
                out.append(c);
            }
            return out.toString();
        }
        return value;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
