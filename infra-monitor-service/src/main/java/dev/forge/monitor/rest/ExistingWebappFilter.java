package dev.forge.monitor.rest;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.forge.monitor.service.WebappService;
import io.smallrye.mutiny.Uni;

/** Refuses a request for an unknown webapp with a 404 problem, after authentication, before the endpoint runs. */
public class ExistingWebappFilter {

    private final WebappService webapps;

    public ExistingWebappFilter(WebappService webapps) {
        this.webapps = webapps;
    }

    @ExistingWebapp
    @ServerRequestFilter(priority = Priorities.USER)
    public Uni<Void> requireWebapp(UriInfo uri) {
        return webapps.mustExist(uri.getPathParameters().getFirst("slug"));
    }
}
