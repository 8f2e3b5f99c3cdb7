package dev.forge.skill.rest;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.skill.SkillException;
import dev.forge.skill.service.SkillRegistry;
import dev.forge.skill.service.SkillRouter;
import io.smallrye.mutiny.Multi;

/** The REST mirror of {@code forge.skill.v1.SkillService}. */
@Tag(name = "skills")
@Path("/v1/skills")
@Produces(MediaType.APPLICATION_JSON)
public class SkillResource {

    private final SkillRegistry registry;
    private final SkillRouter router;

    public SkillResource(SkillRegistry registry, SkillRouter router) {
        this.registry = registry;
        this.router = router;
    }

    @Operation(operationId = "listSkills",
            summary = "The skills in the index and the problems of files that did not load")
    @GET
    public Map<String, Object> list() {
        var index = registry.index();
        return Map.of("skills", index.skills().values().stream().map(SkillViews::skill).toList(),
                "problems", index.problems().stream().map(SkillViews::problem).toList());
    }

    @Operation(operationId = "getSkill", summary = "A skill, at its current or a given version")
    @GET
    @Path("/{name}")
    public Map<String, Object> get(@PathParam("name") String name, @QueryParam("version") String version) {
        return SkillViews.skill(registry.lookup(name, version));
    }

    @Operation(operationId = "resolveSkill",
            summary = "Which skill a slash command or message calls, with its parameters")
    @POST
    @Path("/resolve")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> resolve(JsonNode body) {
        if (body == null || !body.isObject() || !body.path("input").isTextual()) {
            throw SkillException.invalid("the body must be a JSON object with a string 'input'", List.of());
        }
        return router.resolve(body.get("input").asText()).map(SkillViews::resolution)
                .orElseGet(() -> Map.of("matched", false));
    }

    /** Server-sent events, one per change to the index, as they happen. */
    @Operation(operationId = "followSkillChanges", summary = "Changes to the index as they happen (server-sent events)")
    @GET
    @Path("/changes")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Map<String, Object>> changes() {
        return registry.changes().map(SkillViews::change);
    }
}
