package dev.forge.skill;

import java.util.List;

/** A request the skill service cannot answer: nothing by that name, input it cannot accept, or a skill switched off. */
public class SkillException extends RuntimeException {

    public enum Kind {
        NOT_FOUND, INVALID, DISABLED
    }

    private final Kind kind;
    private final List<String> errors;

    public SkillException(Kind kind, String message, List<String> errors) {
        super(message, null, false, false);
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public static SkillException notFound(String message) {
        return new SkillException(Kind.NOT_FOUND, message, List.of());
    }

    public static SkillException invalid(String message, List<String> errors) {
        return new SkillException(Kind.INVALID, message, errors);
    }

    public static SkillException disabled(String message) {
        return new SkillException(Kind.DISABLED, message, List.of());
    }

    public Kind kind() {
        return kind;
    }

    public List<String> errors() {
        return errors;
    }
}
