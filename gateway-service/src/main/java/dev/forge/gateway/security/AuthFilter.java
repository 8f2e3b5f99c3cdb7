package dev.forge.gateway.security;

import java.util.Arrays;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.forge.core.auth.Role;
import dev.forge.gateway.rest.ProblemMappers;
import io.smallrye.mutiny.Uni;

/**
 * Bearer API key authentication and per-endpoint roles for every REST resource. 401 without or with a bad key,
 * 403 with a good key whose role the endpoint does not admit. Health, metrics and the API description stay open.
 */
public class AuthFilter {

    private final ApiKeyService keys;
    private final CallerContext context;

    public AuthFilter(ApiKeyService keys, CallerContext context) {
        this.keys = keys;
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
        String header = request.getHeaderString("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return Uni.createFrom().item(unauthorized(request, "an 'Authorization: Bearer <api key>' header is "
                    + "required"));
        }
        String token = header.substring(7).trim();
        return keys.authenticate(token).map(caller -> {
            if (caller.isEmpty()) {
                return unauthorized(request, "the API key is not valid or has been revoked");
            }
            if (Arrays.stream(admitted).noneMatch(r -> r == caller.get().role())) {
                return problem(request, 403, "forbidden", "Forbidden", "role '" + caller.get().role().wireName()
                        + "' may not " + request.getMethod() + " " + request.getUriInfo().getPath()
                        + (admitted.length == 0 ? "" : " (admitted: " + Arrays.stream(admitted).map(Role::wireName)
                                .toList() + ")"));
            }
            context.set(caller.get());
            return null;
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
