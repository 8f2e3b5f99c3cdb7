package dev.forge.gateway.rest;

import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.repository.ArtifactRepository.Artifact;
import dev.forge.gateway.rest.schema.WireFormat;
import dev.forge.gateway.service.ArtifactService;
import io.smallrye.mutiny.Uni;

/**
 * Artifact metadata and deletion. Uploads ({@code POST /v1/artifacts}) and downloads
 * ({@code GET /v1/artifacts/{id}/content}) stream through {@link ArtifactRoutes}.
 */
@Tag(name = "artifacts")
@Path("/v1/artifacts")
@Produces(MediaType.APPLICATION_JSON)
public class ArtifactResource {

    private final ArtifactService artifacts;
    private final GatewayConfig config;
    private final CallerContext caller;

    public ArtifactResource(ArtifactService artifacts, GatewayConfig config, CallerContext caller) {
        this.artifacts = artifacts;
        this.config = config;
        this.caller = caller;
    }

    /** Newest first; pass the last id of a page as {@code before} for the next one (or page by {@code offset}). */
    @Operation(operationId = "listArtifacts", summary = "The workspace's artifacts, newest first")
    @APIResponse(responseCode = "200", description = "Artifacts",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = WireFormat.Artifact.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset,
            @QueryParam("before") String before) {
        return artifacts.list(caller.workspace(), before, Paging.limit(limit, config.maxPageSize()),
                Paging.offset(offset))
                .map(list -> list.stream().map(Artifact::view).toList());
    }

    @Operation(operationId = "getArtifact", summary = "An artifact's metadata")
    @APIResponse(responseCode = "200", description = "The artifact",
            content = @Content(schema = @Schema(implementation = WireFormat.Artifact.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return artifacts.get(caller.workspace(), id).map(Artifact::view);
    }

    @Operation(operationId = "deleteArtifact", summary = "Delete an artifact and its bytes")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER })
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return artifacts.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }
}
