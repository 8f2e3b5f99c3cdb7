package dev.forge.skill;

import java.util.List;

/** A request the skill service cannot answer: nothing by that name, or input it cannot accept. */
public class SkillException extends RuntimeException {

    public enum Kind {
        NOT_FOUND, INVALID
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

    public Kind kind() {
        return kind;
    }

    public List<String> errors() {
        return errors;
    }
}
