package dev.forge.gateway.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import dev.forge.api.repository.UniqueViolation;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.config.LlmRoutingConfig;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.core.flow.FlowLoader;
import dev.forge.core.flow.FlowProblem;
import dev.forge.core.flow.ModelRoutes;
import dev.forge.gateway.repository.StoredFlow;
import dev.forge.gateway.repository.WorkspaceFlowRepository;
import io.smallrye.mutiny.Uni;

/**
 * Flows as API resources. A workspace sees the system flows (config/flows/, loaded at start-up) and its own, made
 * through the API and stored in PostgreSQL; a name is either a system flow's or one workspace flow's, never both.
 * Every save is checked by the same parser and validator as the files, and refused with every problem and its line.
 * Workers need nothing: a run pins (name, version) and any service loads that version from flow_versions.
 */
@ApplicationScoped
public class FlowService {

    /** Where a submitted source's problems point: its own lines. */
    private static final String SUBMITTED = "request";

    private final FlowCatalog catalog;
    private final WorkspaceFlowRepository flows;
    private final ModelRoutes models;

    public FlowService(FlowCatalog catalog, WorkspaceFlowRepository flows, LlmRoutingConfig routing) {
        this.catalog = catalog;
        this.flows = flows;
        this.models = ModelRoutes.of(routing);
    }

    /** A dry run: the flow as it would be saved, or 422 with every problem. */
    public ObjectNode validate(String source) {
        var flow = checked(source);
        return FlowViews.flow(flow, "workspace", null, null);
    }

    /** A new flow of the workspace at version 1; 409 when the name is taken (by a system or a workspace flow). */
    public Uni<ObjectNode> create(String workspace, String source) {
        var flow = checked(source);
        if (catalog.current(flow.name()).isPresent()) {
            throw taken(flow.name(), "a system flow");
        }
        return flows.save(workspace, flow.name(), flow.version(), flow.source(), true)
                .onFailure(UniqueViolation::test).transform(e -> taken(flow.name(), "another flow of this workspace"))
                .map(saved -> FlowViews.flow(flow, "workspace", saved.get().flow(), saved.get().number()));
    }

    /** A new version of the workspace's flow (the source's name must be the flow's); new assistants pin it. */
    public Uni<ObjectNode> update(String workspace, String name, String source) {
        var flow = checked(source);
        if (!flow.name().equals(name)) {
            throw invalid(List.of("line 1: the source names flow '" + flow.name() + "', not '" + name
                    + "' (a flow is renamed by creating a new one)"), List.of());
        }
        if (catalog.current(name).isPresent()) {
            throw systemFlow(name);
        }
        return flows.save(workspace, name, flow.version(), flow.source(), false).map(saved -> saved
                .map(s -> FlowViews.flow(flow, "workspace", s.flow(), s.number()))
                .orElseThrow(() -> ApiProblem.notFound("flow", name)));
    }

    /** The system flows and the workspace's own, by name. */
    public Uni<List<ObjectNode>> list(String workspace) {
        return flows.all(workspace).flatMap(own -> {
            var views = new ArrayList<Uni<ObjectNode>>();
            catalog.all().forEach(f -> views.add(Uni.createFrom().item(FlowViews.flow(f, "system", null, null))));
            own.forEach(stored -> views.add(catalog.resolve(stored.name, stored.currentVersion)
                    .map(f -> FlowViews.flow(f, "workspace", stored, null))));
            if (views.isEmpty()) {
                return Uni.createFrom().item(List.<ObjectNode>of());
            }
            return Uni.join().all(views).andFailFast().map(all -> all.stream()
                    .sorted((a, b) -> a.get("name").asText().compareTo(b.get("name").asText())).toList());
        });
    }

    public Uni<ObjectNode> get(String workspace, String name) {
        return current(workspace, name).map(found -> found.orElseThrow(() -> ApiProblem.notFound("flow", name)));
    }

    /**
     * The flow a workspace means by a name at its current version: the system flow, else the workspace's own.
     * Assistants pin what this answers.
     */
    public Uni<Optional<FlowBlueprint>> resolveCurrent(String workspace, String name) {
        return lookup(workspace, name).map(found -> found.map(Found::flow));
    }

    /**
     * One version of a flow the workspace may use: a version a system flow had (its file, now or in an earlier
     * deployment) or one the workspace saved of its own flow — never another workspace's.
     */
    public Uni<Optional<FlowBlueprint>> resolveVersion(String workspace, String name, String version) {
        if (catalog.current(name).isPresent()) {
            return catalog.resolve(name, version).map(Optional::of)
                    .onFailure(IllegalStateException.class).recoverWithItem(Optional.empty());
        }
        return flows.hasVersion(workspace, name, version).flatMap(saved -> saved
                ? catalog.resolve(name, version).map(Optional::of)
                : Uni.createFrom().item(Optional.<FlowBlueprint>empty()));
    }

    /** The names a workspace can use: the system flows' and its own, sorted. */
    public Uni<List<String>> names(String workspace) {
        return flows.all(workspace).map(own -> {
            var names = new ArrayList<String>();
            catalog.all().forEach(f -> names.add(f.name()));
            own.forEach(f -> names.add(f.name));
            return names.stream().sorted().toList();
        });
    }

    /** A flow at its current version, with the workspace's row when it is the workspace's own. */
    private record Found(FlowBlueprint flow, StoredFlow stored) {
    }

    private Uni<Optional<Found>> lookup(String workspace, String name) {
        var system = catalog.current(name);
        if (system.isPresent()) {
            return Uni.createFrom().item(Optional.of(new Found(system.get(), null)));
        }
        return flows.find(workspace, name).flatMap(stored -> stored.isEmpty()
                ? Uni.createFrom().item(Optional.<Found>empty())
                : catalog.resolve(name, stored.get().currentVersion)
                        .map(f -> Optional.of(new Found(f, stored.get()))));
    }

    private Uni<Optional<ObjectNode>> current(String workspace, String name) {
        return lookup(workspace, name).map(found -> found.map(f -> FlowViews.flow(f.flow(),
                f.stored() == null ? "system" : "workspace", f.stored(), null)));
    }

    /** Newest first; a system flow has the one version loaded from its file. */
    public Uni<List<ObjectNode>> versions(String workspace, String name) {
        var system = catalog.current(name);
        if (system.isPresent()) {
            var v = JsonNodeFactory.instance.objectNode().put("version", system.get().version()).put("number", 1)
                    .put("current", true);
            v.putNull("created_at");
            return Uni.createFrom().item(List.of(v));
        }
        return flows.find(workspace, name).flatMap(stored -> {
            var flow = stored.orElseThrow(() -> ApiProblem.notFound("flow", name));
            return flows.versions(workspace, name).map(list -> list.stream().map(v -> {
                var node = JsonNodeFactory.instance.objectNode().put("version", v.version).put("number", v.number)
                        .put("current", v.version.equals(flow.currentVersion));
                Rows.time(node, "created_at", v.createdAt);
                return node;
            }).toList());
        });
    }

    /** One version's source, as it was saved. */
    public Uni<String> source(String workspace, String name, String version) {
        var system = catalog.current(name);
        if (system.isPresent()) {
            if (!system.get().version().equals(version)) {
                throw ApiProblem.notFound("flow version", name + "@" + version);
            }
            return Uni.createFrom().item(system.get().source());
        }
        return resolveVersion(workspace, name, version).map(found -> found
                .orElseThrow(() -> ApiProblem.notFound("flow version", name + "@" + version)).source());
    }

    /** Deletes the workspace's flow; 409 while an assistant or an unfinished run of the workspace uses it. */
    public Uni<Void> delete(String workspace, String name) {
        if (catalog.current(name).isPresent()) {
            throw systemFlow(name);
        }
        return flows.find(workspace, name).flatMap(stored -> {
            stored.orElseThrow(() -> ApiProblem.notFound("flow", name));
            return flows.uses(workspace, name);
        }).flatMap(uses -> {
            if (uses[0] > 0 || uses[1] > 0) {
                throw new ApiProblem(409, "flow-in-use", "Flow in use", "flow '" + name + "' is used by " + uses[0]
                        + " assistant(s) and " + uses[1] + " unfinished run(s); delete or move them first", null);
            }
            return flows.remove(workspace, name).replaceWithVoid();
        });
    }

    /** The source as a valid flow whose models are served, or 422 with every problem and its line. */
    private FlowBlueprint checked(String source) {
        if (source == null || source.isBlank()) {
            throw invalid(List.of("line 1: the body is empty: send the flow's YAML (or JSON)"), List.of());
        }
        var result = FlowLoader.check(SUBMITTED, source);
        var problems = new ArrayList<>(result.problems());
        if (result.blueprint() != null && problems.isEmpty()) {
            models.unroutable(result.blueprint()).forEach(message -> problems.add(new FlowProblem(SUBMITTED, 1, null,
                    message)));
        }
        if (!problems.isEmpty()) {
            throw invalid(problems.stream().map(FlowService::describe).toList(), problems);
        }
        return result.blueprint();
    }

    private static String describe(FlowProblem p) {
        return "line " + p.line() + ": " + (p.executorId() == null ? "" : "executor '" + p.executorId() + "': ")
                + p.message();
    }

    private static ApiProblem invalid(List<String> errors, List<FlowProblem> problems) {
        var extensions = JsonNodeFactory.instance.objectNode();
        var list = extensions.putArray("problems");
        problems.forEach(p -> {
            var node = list.addObject().put("line", p.line()).put("message", p.message());
            if (p.executorId() == null) {
                node.putNull("executor");
            } else {
                node.put("executor", p.executorId());
            }
        });
        String detail = errors.size() == 1 ? errors.get(0) : errors.size() + " problems in the flow";
        return new ApiProblem(422, "invalid-flow", "Flow is not valid", detail, errors, extensions);
    }

    private static ApiProblem taken(String name, String byWhom) {
        return new ApiProblem(409, "flow-name-taken", "Flow name taken", "'" + name + "' is already " + byWhom
                + "; choose another name, or PUT /v1/flows/" + name + " to add a version of your own flow", null);
    }

    private static ApiProblem systemFlow(String name) {
        return new ApiProblem(409, "system-flow", "System flow", "'" + name + "' is a system flow from the flows "
                + "directory; it changes with the deployment, not through the API", null);
    }
}
