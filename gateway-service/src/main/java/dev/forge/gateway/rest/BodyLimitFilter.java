package dev.forge.gateway.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forge.api.rest.ProblemMappers;
import dev.forge.gateway.config.GatewayConfig;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a declared oversized body before it is read, as problem+json (the HTTP server's own limit, set a little
 * higher, still guards chunked uploads).
 */
@ApplicationScoped
public class BodyLimitFilter {

    private final GatewayConfig config;

    public BodyLimitFilter(GatewayConfig config) {
        this.config = config;
    }

    void install(@Observes Router router) {
        router.route().order(-100).handler(this::limit);
    }

    void limit(RoutingContext rc) {
        if (ArtifactRoutes.isUpload(rc.request())) {
            rc.next(); // uploads stream to S3 under their own limit
            return;
        }
        var length = rc.request().getHeader("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > config.maxBodyBytes()) {
                var body = ProblemMappers.problem(413, "payload-too-large", "Payload too large",
                        "request body of " + declared + " bytes exceeds the limit of " + config.maxBodyBytes()
                                + " bytes", null);
                body.put("instance", rc.request().path());
                rc.response().setStatusCode(413).putHeader("Content-Type", ProblemMappers.PROBLEM_JSON)
                        .putHeader("Connection", "close").end(body.toString());
                return;
            }
        }
        rc.next();
    }
}
