package dev.forge.api.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.input.InputRefused;

/** Every error leaves as RFC 9457 application/problem+json with a stable type; no stack traces. */
public class ProblemMappers {

    public static final String PROBLEM_JSON = "application/problem+json";
    static final String TYPE_BASE = "https://forge.dev/problems/";
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** Every refusal: the API's own ({@code ApiProblem}) and forge-input's (malformed JSON, bad parameters). */
    @ServerExceptionMapper
    public Response apiProblem(InputRefused p, UriInfo uri) {
        var body = problem(p.status(), p.type(), p.title(), p.getMessage(), uri);
        if (!p.errors().isEmpty()) {
            var errors = body.putArray("errors");
            p.errors().forEach(errors::add);
        }
        if (p instanceof ApiProblem api && api.extensions() != null) {
            api.extensions().fields().forEachRemaining(f -> body.putIfAbsent(f.getKey(), f.getValue()));
        }
        var response = Response.status(p.status()).type(PROBLEM_JSON).entity(body);
        // a limit's refusal says when to try again (seconds), as the header clients honour
        if (body.hasNonNull("retry_after")) {
            response.header("Retry-After", body.get("retry_after").asText());
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        var location = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return Response.status(400).type(PROBLEM_JSON).entity(problem(400, "malformed-json", "Malformed JSON",
                "request body is not valid JSON" + location + ": " + e.getOriginalMessage(), uri)).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return malformedJson(jpe, uri);
        }
        // a parameter converter's refusal (NumberParams), which JAX-RS wraps in a 404 for query and path parameters
        if (e.getCause() instanceof InputRefused p) {
            return apiProblem(p, uri);
        }
        String type = switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "internal-error" : "bad-request";
        };
        var title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = status >= 500 ? "the server could not complete the request" : e.getMessage();
        return Response.status(status).type(PROBLEM_JSON).entity(problem(status, type, title, detail, uri)).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable t, UriInfo uri) {
        LOG.error("Unhandled error on " + uri.getPath(), t);
        return Response.status(500).type(PROBLEM_JSON).entity(problem(500, "internal-error", "Internal error",
                "the server could not complete the request", uri)).build();
    }

    public static ObjectNode problem(int status, String type, String title, String detail, UriInfo uri) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("type", TYPE_BASE + type);
        node.put("title", title);
        node.put("status", status);
        node.put("detail", detail);
        if (uri != null) {
            node.put("instance", uri.getPath());
        }
        return node;
    }
}
