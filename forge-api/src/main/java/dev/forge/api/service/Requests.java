package dev.forge.api.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.input.StrictJson;

/** Precise validation of JSON request bodies; every problem is collected before the request is refused. */
public final class Requests {

    private final JsonNode body;
    private final List<String> errors;
    /** For a nested object: its field name and a dot, so problems name the full path ({@code 'source.git_url'}). */
    private final String prefix;

    private Requests(JsonNode body, List<String> errors, String prefix) {
        this.body = body;
        this.errors = errors;
        this.prefix = prefix;
    }

    /** Starts validating a body that must be a JSON object with only the given keys. */
    public static Requests of(JsonNode body, Set<String> allowed) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ApiProblem.invalid("request body is required (a JSON object)");
        }
        if (!body.isObject()) {
            throw ApiProblem.invalid("request body must be a JSON object, not " + body.getNodeType().name()
                    .toLowerCase());
        }
        var r = new Requests(body, new ArrayList<>(), "");
        r.unknownFields(allowed);
        return r;
    }

    /**
     * Validates the object field {@code field} ({} when absent) with only the given keys; its problems are this
     * request's, named with their path.
     */
    public Requests nested(String field, Set<String> allowed) {
        var nested = new Requests(object(field), errors, prefix + field + ".");
        nested.unknownFields(allowed);
        return nested;
    }

    private void unknownFields(Set<String> allowed) {
        body.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                errors.add("'" + prefix + k + "' is not a known field (known: " + allowed.stream().sorted().toList()
                        + ")");
            }
        });
    }

    /** The body being validated, for fields with their own rules. */
    public JsonNode body() {
        return body;
    }

    public Optional<String> text(String field, boolean required, int maxLength) {
        var v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add("'" + prefix + field + "' is required");
            }
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            errors.add("'" + prefix + field + "' must be a non-empty string");
            return Optional.empty();
        }
        if (v.asText().length() > maxLength) {
            errors.add("'" + prefix + field + "' must be at most " + maxLength + " characters");
            return Optional.empty();
        }
        return Optional.of(v.asText().trim());
    }

    public Optional<UUID> uuid(String field, boolean required) {
        return text(field, required, 64).flatMap(t -> {
            try {
                return Optional.of(UUID.fromString(t));
            } catch (IllegalArgumentException e) {
                errors.add("'" + prefix + field + "' must be a UUID, got '" + t + "'");
                return Optional.empty();
            }
        });
    }

    /** A JSON object field, {} when absent. */
    public JsonNode object(String field) {
        var v = body.get(field);
        if (v == null || v.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!v.isObject()) {
            errors.add("'" + prefix + field + "' must be a JSON object");
            return JsonNodeFactory.instance.objectNode();
        }
        return v;
    }

    public void error(String message) {
        errors.add(message);
    }

    /** Refuses the request with every problem found, if any. */
    public void check() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.size() == 1 ? errors.get(0) : errors.size() + " problems in the request",
                    errors);
        }
    }

    /** An optional UUID query parameter; a malformed one is a 422. */
    public static UUID queryUuid(String name, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(name + " must be a UUID");
        }
    }

    /** An optional query parameter restricted to known values. */
    public static String queryOneOf(String name, String raw, Set<String> allowed) {
        if (raw != null && !allowed.contains(raw)) {
            throw ApiProblem.invalid(name + " must be one of " + allowed.stream().sorted().toList());
        }
        return raw;
    }

    /** An optional query parameter holding a JSON object (e.g. a metadata filter). */
    public static JsonNode queryJsonObject(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            var node = StrictJson.parse(raw);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (StrictJson.Malformed e) {
            // reported below
        } catch (StrictJson.Invalid e) {
            throw ApiProblem.invalid(name + ": " + e.getMessage(), e.problems().stream().map(p -> name + ": " + p)
                    .toList());
        }
        throw ApiProblem.invalid(name + " must be a JSON object, e.g. {\"user\": \"u1\"}");
    }

    /**
     * An id in the path. A malformed one is the client's mistake, not a missing resource: 422 over REST,
     * INVALID_ARGUMENT over gRPC, saying what an id looks like (without echoing what was sent).
     */
    public static UUID pathId(String what, String raw) {
        if (raw != null && raw.length() == 36) {
            try {
                return UUID.fromString(raw);
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw ApiProblem.invalid(what + " id must be a UUID (8-4-4-4-12 hexadecimal digits)");
    }
}
