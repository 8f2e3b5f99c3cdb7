package dev.forge.api.service;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.input.InputRefused;

/**
 * A request the API refuses, rendered as RFC 9457 problem+json. {@code type} is a stable slug clients can switch on.
 */
public class ApiProblem extends InputRefused {

    private final ObjectNode extensions;

    public ApiProblem(int status, String type, String title, String detail, List<String> errors) {
        this(status, type, title, detail, errors, null);
    }

    /** With extension members (RFC 9457 §3.2) added to the body, e.g. a flow's problems with their lines. */
    public ApiProblem(int status, String type, String title, String detail, List<String> errors,
            ObjectNode extensions) {
        super(status, type, title, detail, errors);
        this.extensions = extensions;
    }

    /** Members beside the standard ones, or null. */
    public ObjectNode extensions() {
        return extensions;
    }

    public static ApiProblem notFound(String what, String id) {
        return new ApiProblem(404, "not-found", "Not found", what + " '" + id + "' does not exist", null);
    }

    public static ApiProblem invalid(String detail, List<String> errors) {
        return new ApiProblem(422, "validation-failed", "Request is not valid", detail, errors);
    }

    /** 403: a valid key that may not do this (another workspace's work, a platform admin's). */
    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, "forbidden", "Forbidden", detail, null);
    }

    public static ApiProblem invalid(String detail) {
        return invalid(detail, List.of(detail));
    }
}
