package dev.forge.input;

import java.util.List;

/**
 * Input a service refuses, before or while reading it: the status (400 malformed, 413, 415, 422 invalid, and the
 * APIs' own), a stable problem type slug, and every problem found. REST answers it as problem+json, gRPC as
 * INVALID_ARGUMENT (or the status's own code). forge-api's {@code ApiProblem} is one.
 */
public class InputRefused extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final List<String> errors;

    public InputRefused(int status, String type, String title, String detail, List<String> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** Bytes that are not one well-formed JSON document (or text that cannot be decoded). */
    public static InputRefused malformed(String detail) {
        return new InputRefused(400, "malformed-json", "Malformed JSON", detail, null);
    }

    /** Well-formed input with values the API does not accept; each problem names its field. */
    public static InputRefused invalid(String detail, List<String> errors) {
        return new InputRefused(422, "validation-failed", "Request is not valid", detail, errors);
    }

    public static InputRefused invalid(String detail) {
        return invalid(detail, List.of(detail));
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<String> errors() {
        return errors;
    }

    /** The detail with every problem, for transports with one line of text (gRPC status descriptions). */
    public String describe() {
        return errors.size() > 1 ? getMessage() + ": " + String.join("; ", errors) : getMessage();
    }
}
