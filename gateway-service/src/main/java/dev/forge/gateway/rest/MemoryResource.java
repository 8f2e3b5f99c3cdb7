package dev.forge.gateway.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.rest.schema.WireFormat.Memory;
import dev.forge.gateway.rest.schema.WireFormat.MemoryPut;
import dev.forge.gateway.rest.schema.WireFormat.MemorySearch;
import dev.forge.gateway.rest.schema.WireFormat.MemorySearchResult;
import dev.forge.gateway.service.MemoryApi;
import io.smallrye.mutiny.Uni;

/** Long-term memory of the caller's workspace: admins and developers write, every role reads and searches. */
@Tag(name = "memories")
@Path("/v1/memories")
@Produces(MediaType.APPLICATION_JSON)
public class MemoryResource {

    private final MemoryApi memories;
    private final CallerContext caller;
    private final GatewayConfig config;

    public MemoryResource(MemoryApi memories, CallerContext caller, GatewayConfig config) {
        this.memories = memories;
        this.caller = caller;
        this.config = config;
    }

    @Operation(operationId = "createMemory", summary = "Store a memory for the workspace, an assistant or a session")
    @RequestBodySchema(MemoryPut.class)
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = Memory.class)))
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> put(JsonNode body) {
        return memories.put(caller.workspace(), body).map(m -> Response
                .created(URI.create("/v1/memories/" + m.get("id").asText())).entity(m).build());
    }

    @Operation(operationId = "listMemories", summary = "The workspace's memories, newest first")
    @APIResponse(responseCode = "200", description = "Memories",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Memory.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("assistant_id") String assistant,
            @QueryParam("session_id") String session, @QueryParam("limit") Integer limit,
            @QueryParam("offset") Integer offset) {
        return memories.list(caller.workspace(), assistant, session, Paging.limit(limit, config.maxPageSize()),
                Paging.offset(offset));
    }

    @Operation(operationId = "getMemory", summary = "A memory")
    @APIResponse(responseCode = "200", description = "The memory",
            content = @Content(schema = @Schema(implementation = Memory.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return memories.get(caller.workspace(), id);
    }

    @Operation(operationId = "deleteMemory", summary = "Forget a memory")
    @APIResponse(responseCode = "204", description = "Deleted")
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return memories.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }

    @Operation(operationId = "searchMemories", summary = "The k memories most similar to a query")
    @RequestBodySchema(MemorySearch.class)
    @APIResponse(responseCode = "200", description = "Hits, best first",
            content = @Content(schema = @Schema(implementation = MemorySearchResult.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> search(JsonNode body) {
        return memories.search(caller.workspace(), body);
    }
}
