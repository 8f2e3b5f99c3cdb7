package dev.forge.api.security;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.forge.api.rest.ProblemMappers;
import dev.forge.core.auth.Role;
import io.smallrye.mutiny.Uni;

/**
 * Bearer API key authentication and per-endpoint roles for every REST resource. 401 without or with a bad key,
 * 403 with a good key whose role the endpoint does not admit. Health, metrics and the API description stay open.
 */
public class AuthFilter {

    private final Authenticator authenticator;
    private final CallerContext context;

    public AuthFilter(Authenticator authenticator, CallerContext context) {
        this.authenticator = authenticator;
        this.context = context;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Response> authenticate(ContainerRequestContext request, ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return Uni.createFrom().nullItem();
        }
        Allow allow = resource.getResourceMethod().getAnnotation(Allow.class);
        if (allow == null) {
            allow = resource.getResourceClass().getAnnotation(Allow.class);
        }
        Role[] admitted = allow == null ? new Role[0] : allow.value();
        boolean platform = allow != null && allow.platform();
        String action = request.getMethod() + " " + request.getUriInfo().getPath();
        return authenticator.require(request.getHeaderString("Authorization"), action, admitted)
                .map(caller -> {
                    if (platform && !caller.platform()) {
                        return problem(request, 403, "forbidden", "Forbidden", "this is platform-wide work: it needs "
                                + "a platform admin key (an admin key acts on its own workspace)");
                    }
                    context.set(caller);
                    return (Response) null;
                })
                .onFailure(AuthProblem.class).recoverWithItem(failure -> {
                    var auth = (AuthProblem) failure;
                    return auth.forbidden() ? problem(request, 403, "forbidden", "Forbidden", auth.getMessage())
                            : unauthorized(request, auth.getMessage());
                });
    }

    private static Response unauthorized(ContainerRequestContext request, String detail) {
        return Response.fromResponse(problem(request, 401, "unauthorized", "Unauthorized", detail))
                .header("WWW-Authenticate", "Bearer").build();
    }

    private static Response problem(ContainerRequestContext request, int status, String type, String title,
            String detail) {
        var body = ProblemMappers.problem(status, type, title, detail, null);
        body.put("instance", request.getUriInfo().getPath());
        return Response.status(status).type(ProblemMappers.PROBLEM_JSON).entity(body).build();
    }
}
