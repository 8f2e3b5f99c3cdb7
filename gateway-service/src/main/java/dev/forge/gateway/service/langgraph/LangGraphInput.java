package dev.forge.gateway.service.langgraph;

import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;

/** Field rules LangGraph's request bodies share, on top of {@link Requests}. */
final class LangGraphInput {

    static final int MAX_PAGE = 1000;

    private LangGraphInput() {
    }

    /** A body that may be absent (the client sent none): {} then. */
    static JsonNode orEmpty(JsonNode body) {
        return body == null || body.isNull() || body.isMissingNode() ? JsonNodeFactory.instance.objectNode() : body;
    }

    static int integer(Requests req, String field, int fallback, int min, int max) {
        var v = req.body().get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            req.error("'" + field + "' must be a whole number from " + min + " to " + max);
            return fallback;
        }
        return v.asInt();
    }

    static String oneOf(Requests req, String field, String fallback, Set<String> allowed) {
        var v = req.text(field, false, 40);
        if (v.isPresent() && !allowed.contains(v.get())) {
            req.error("'" + field + "' must be one of " + allowed.stream().sorted().toList());
        }
        return v.orElse(fallback);
    }

    /** An optional JSON object field; null when absent or JSON null. */
    static JsonNode objectOrNull(Requests req, String field) {
        var v = req.body().get(field);
        return v == null || v.isNull() ? null : req.object(field);
    }

    /** A field Forge has no counterpart for: refused (422) naming the feature, unless absent, null or empty. */
    static void unsupported(Requests req, String field, String why) {
        var v = req.body().get(field);
        if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())
                && !(v.isBoolean() && !v.asBoolean())) {
            req.error("'" + field + "' is not supported by Forge's LangGraph API: " + why);
        }
    }

    static Optional<String> sortOrder(Requests req) {
        var order = req.text("sort_order", false, 10);
        if (order.isPresent() && !order.get().equals("asc") && !order.get().equals("desc")) {
            req.error("'sort_order' must be asc or desc");
        }
        return order;
    }

    static ApiProblem notSupported(String feature, String instead) {
        return new ApiProblem(404, "not-supported", "Not supported", feature
                + " is not served by Forge's LangGraph API" + (instead == null ? "" : ": " + instead), null);
    }
}
