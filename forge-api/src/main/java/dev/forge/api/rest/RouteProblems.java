package dev.forge.api.rest;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.AuthProblem;
import dev.forge.input.InputRefused;
import io.vertx.ext.web.RoutingContext;

/** Failures of the gateway's Vert.x routes as problem+json, like the REST resources' exception mappers answer. */
public final class RouteProblems {

    private static final Logger LOG = Logger.getLogger(RouteProblems.class);

    private RouteProblems() {
    }

    public static void send(RoutingContext rc, Throwable failure) {
        int status;
        ObjectNode body;
        if (failure instanceof InputRefused p) {
            status = p.status();
            body = ProblemMappers.problem(status, p.type(), p.title(), p.getMessage(), null);
            if (!p.errors().isEmpty()) {
                var errors = body.putArray("errors");
                p.errors().forEach(errors::add);
            }
        } else if (failure instanceof AuthProblem a) {
            status = a.forbidden() ? 403 : 401;
            body = ProblemMappers.problem(status, a.forbidden() ? "forbidden" : "unauthorized",
                    a.forbidden() ? "Forbidden" : "Unauthorized", a.getMessage(), null);
            if (!a.forbidden()) {
                rc.response().putHeader("WWW-Authenticate", "Bearer");
            }
        } else {
            LOG.error("Unhandled error on " + rc.request().path(), failure);
            status = 500;
            body = ProblemMappers.problem(500, "internal-error", "Internal error",
                    "the server could not complete the request", null);
        }
        body.put("instance", rc.request().path());
        if (!rc.response().ended()) {
            rc.response().setStatusCode(status).putHeader("Content-Type", ProblemMappers.PROBLEM_JSON)
                    .end(body.toString());
        }
    }
}
