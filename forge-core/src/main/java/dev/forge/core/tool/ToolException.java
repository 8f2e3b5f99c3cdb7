package dev.forge.core.tool;

import java.util.List;

/**
 * A tool call that did not produce a result: arguments the tool cannot take, a call its policy refuses (a host not on
 * the allowlist), or a failure of the tool itself. Only the last may be worth retrying.
 */
public class ToolException extends RuntimeException {

    public enum Kind {
        UNKNOWN_TOOL, INVALID_ARGUMENTS, REFUSED, FAILED, TIMEOUT
    }

    private final Kind kind;
    private final List<String> errors;

    public ToolException(Kind kind, String message, List<String> errors) {
        super(message, null, false, false);
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public ToolException(Kind kind, String message) {
        this(kind, message, List.of());
    }

    public Kind kind() {
        return kind;
    }

    public List<String> errors() {
        return errors;
    }

    public boolean retryable() {
        return kind == Kind.FAILED || kind == Kind.TIMEOUT;
    }
}
