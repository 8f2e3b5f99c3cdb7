package dev.forge.api.service;

import java.util.List;

import dev.forge.input.InputRefused;

/**
 * A request the API refuses, rendered as RFC 9457 problem+json. {@code type} is a stable slug clients can switch on.
 */
public class ApiProblem extends InputRefused {

    public ApiProblem(int status, String type, String title, String detail, List<String> errors) {
        super(status, type, title, detail, errors);
    }

    public static ApiProblem notFound(String what, String id) {
        return new ApiProblem(404, "not-found", "Not found", what + " '" + id + "' does not exist", null);
    }

    public static ApiProblem invalid(String detail, List<String> errors) {
        return new ApiProblem(422, "validation-failed", "Request is not valid", detail, errors);
    }

    public static ApiProblem invalid(String detail) {
        return invalid(detail, List.of(detail));
    }
}
