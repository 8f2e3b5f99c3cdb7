package dev.forge.monitor.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.core.auth.Role;
import dev.forge.monitor.repository.AuditRepository;
import io.smallrye.mutiny.Uni;

/** The audit log, newest first, for admins. */
@Tag(name = "audit")
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Allow(value = Role.ADMIN, platform = true)
public class AuditResource {

    private final AuditRepository audit;

    public AuditResource(AuditRepository audit) {
        this.audit = audit;
    }

    @Operation(operationId = "listAudit", summary = "The audit log: who did what, newest first")
    @GET
    public Uni<Response> list(@QueryParam("action") String action, @QueryParam("since") String since,
            @QueryParam("before") Long before, @QueryParam("limit") Integer limit, @Context UriInfo uri) {
        int size = Paging.limit(limit, Queries.MAX_PAGE);
        return audit.page(Queries.text("action", action, 100), Queries.instant("since", since),
                Queries.before(before), size).map(page -> Queries.page(page, size, uri));
    }
}
