package dev.forge.monitor.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;

/** Query parameters of the monitor's list endpoints, checked, and pages with a {@code Link: rel="next"} header. */
final class Queries {

    static final int MAX_PAGE = 500;

    private Queries() {
    }

    static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid("'" + name + "' must be an ISO-8601 instant such as 2026-11-23T10:15:30Z");
        }
    }

    static UUID uuid(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("'" + name + "' must be a UUID");
        }
    }

    /** A comma-separated list; each value must be one of {@code allowed} when that is given. */
    static List<String> list(String name, String value, List<String> allowed) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        var values = Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
        if (allowed != null) {
            for (String v : values) {
                if (!allowed.contains(v)) {
                    throw ApiProblem.invalid("'" + name + "' values must be among " + allowed + ", not '" + v + "'");
                }
            }
        }
        return values;
    }

    static String text(String name, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > maxLength) {
            throw ApiProblem.invalid("'" + name + "' may be at most " + maxLength + " characters");
        }
        return value.trim();
    }

    static String upper(String value) {
        return value == null ? null : value.toUpperCase(Locale.ROOT);
    }

    static Long before(Long before) {
        if (before != null && before < 1) {
            throw ApiProblem.invalid("'before' must be a positive id");
        }
        return before;
    }

    /** The page as a JSON array; a full page links to the next one by the last id. */
    static Response page(List<ObjectNode> items, int limit, UriInfo uri) {
        var response = Response.ok(items);
        if (items.size() == limit) {
            long last = items.get(items.size() - 1).get("id").asLong();
            var next = uri.getRequestUriBuilder().replaceQueryParam("before", last).build();
            response.header("Link", "<" + next.getRawPath() + "?" + next.getRawQuery() + ">; rel=\"next\"");
        }
        return response.build();
    }
}
