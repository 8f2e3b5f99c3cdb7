package dev.forge.gateway.service.langgraph;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.flow.ExecutorSpec;
import dev.forge.core.flow.FlowBlueprint;
import dev.forge.core.flow.Route;
import dev.forge.core.flow.RoutingPolicy;
import dev.forge.gateway.config.LangGraphConfig;
import dev.forge.gateway.repository.AssistantRepository;
import dev.forge.gateway.repository.LangGraphRepository;
import dev.forge.gateway.service.AssistantService;
import dev.forge.gateway.service.FlowService;
import io.smallrye.mutiny.Uni;

/**
 * LangGraph's assistants on Forge's: graph_id is the flow. Like LangGraph's server, every graph (flow) has a default
 * assistant, made on first use in each workspace with an id derived from the workspace and flow, so a client may name
 * the graph where an assistant id is expected.
 */
@ApplicationScoped
public class LangGraphAssistants {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> CREATE = Set.of("graph_id", "assistant_id", "config", "context", "metadata",
            "if_exists", "name", "description");
    private static final Set<String> UPDATE = Set.of("graph_id", "config", "context", "metadata", "name",
            "description");
    private static final Set<String> SEARCH = Set.of("graph_id", "name", "metadata", "limit", "offset", "sort_by",
            "sort_order", "select");
    private static final Set<String> COUNT = Set.of("graph_id", "name", "metadata");

    private final AssistantService assistants;
    private final AssistantRepository repository;
    private final LangGraphRepository langGraph;
    private final FlowService flows;
    private final LangGraphConfig config;

    public LangGraphAssistants(AssistantService assistants, AssistantRepository repository,
            LangGraphRepository langGraph, FlowService flows, LangGraphConfig config) {
        this.config = config;
        this.assistants = assistants;
        this.repository = repository;
        this.langGraph = langGraph;
        this.flows = flows;
    }

    /** The Forge assistant an assistant_id names: an assistant's UUID, or a graph (flow) name for its default. */
    public Uni<ObjectNode> resolve(String workspace, String idOrGraph) {
        if (idOrGraph == null || idOrGraph.isBlank() || idOrGraph.length() > 200) {
            throw ApiProblem.invalid("'assistant_id' must name an assistant (its id) or a graph");
        }
        try {
            UUID id = UUID.fromString(idOrGraph);
            return assistants.get(workspace, id.toString());
        } catch (IllegalArgumentException notAnId) {
            return graphAssistant(workspace, idOrGraph);
        }
    }

    /** The default assistant of a flow in the workspace, made when first asked for. */
    public Uni<ObjectNode> graphAssistant(String workspace, String flow) {
        UUID id = UUID.nameUUIDFromBytes(("langgraph-default:" + workspace + ":" + flow)
                .getBytes(StandardCharsets.UTF_8));
        return repository.find(workspace, id).flatMap(found -> found.isPresent() ? Uni.createFrom().item(found.get())
                : flows.resolveCurrent(workspace, flow).flatMap(blueprint -> {
                    if (blueprint.isEmpty()) {
                        throw ApiProblem.notFound("assistant or graph", flow);
                    }
                    return repository.insert(id, workspace, flow, blueprint.get().description(), flow,
                            blueprint.get().version(), true, JSON.objectNode(),
                            JSON.objectNode().put("created_by", "system"))
                            // made concurrently by another request: the one that won is the same assistant
                            .onFailure().recoverWithUni(e -> repository.find(workspace, id)
                                    .map(again -> again.orElseThrow(() -> new IllegalStateException(e))));
                }));
    }

    /** Every flow of the workspace has its default assistant (what a search lists first on a fresh server). */
    private Uni<Void> graphAssistants(String workspace) {
        return flows.names(workspace).flatMap(names -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            var graphs = config.graphs();
            for (String name : names) {
                if (graphs.isPresent() && !graphs.get().contains(name)) {
                    continue;
                }
                chain = chain.flatMap(x -> graphAssistant(workspace, name).replaceWithVoid());
            }
            return chain;
        });
    }

    public Uni<ObjectNode> create(String workspace, JsonNode raw) {
        var body = LangGraphInput.orEmpty(raw);
        var req = Requests.of(body, CREATE);
        var graph = req.text("graph_id", true, 200);
        var id = req.uuid("assistant_id", false);
        var ifExists = LangGraphInput.oneOf(req, "if_exists", "raise", Set.of("raise", "do_nothing"));
        LangGraphInput.unsupported(req, "context", "Forge assistants carry 'config' and 'metadata'");
        var forge = JSON.objectNode();
        graph.ifPresent(g -> forge.put("flow", g).put("flow_version", "latest"));
        forge.put("name", req.text("name", false, 200).orElse(graph.orElse("assistant")));
        req.text("description", false, 2000).ifPresent(d -> forge.put("description", d));
        forge.set("config", req.object("config"));
        forge.set("metadata", req.object("metadata"));
        req.check();
        UUID assistantId = id.orElseGet(UUID::randomUUID);
        return repository.find(workspace, assistantId).flatMap(existing -> {
            if (existing.isPresent()) {
                if (ifExists.equals("do_nothing")) {
                    return Uni.createFrom().item(LangGraphViews.assistant(existing.get()));
                }
                throw new ApiProblem(409, "conflict", "Assistant exists", "assistant " + assistantId
                        + " already exists (if_exists 'do_nothing' answers it instead)", null);
            }
            return assistants.create(workspace, forge, assistantId).map(LangGraphViews::assistant);
        });
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return resolve(workspace, id).map(LangGraphViews::assistant);
    }

    public Uni<ObjectNode> update(String workspace, String id, JsonNode raw) {
        var body = LangGraphInput.orEmpty(raw);
        var req = Requests.of(body, UPDATE);
        LangGraphInput.unsupported(req, "context", "Forge assistants carry 'config' and 'metadata'");
        var forge = JSON.objectNode();
        req.text("graph_id", false, 200).ifPresent(g -> forge.put("flow", g).put("flow_version", "latest"));
        req.text("name", false, 200).ifPresent(n -> forge.put("name", n));
        req.text("description", false, 2000).ifPresent(d -> forge.put("description", d));
        if (body.hasNonNull("config")) {
            forge.set("config", req.object("config"));
        }
        if (body.hasNonNull("metadata")) {
            forge.set("metadata", req.object("metadata"));
        }
        req.check();
        if (forge.isEmpty()) {
            // LangGraph answers the assistant unchanged; Forge's update needs a field
            return get(workspace, id);
        }
        return resolve(workspace, id).flatMap(a -> assistants.update(workspace, a.get("id").asText(), forge))
                .map(LangGraphViews::assistant);
    }

    public Uni<Void> delete(String workspace, String id) {
        return resolve(workspace, id).flatMap(a -> assistants.delete(workspace, a.get("id").asText()));
    }

    public Uni<LangGraphPage> search(String workspace, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), SEARCH);
        var graph = req.text("graph_id", false, 200);
        var name = req.text("name", false, 200);
        var metadata = LangGraphInput.objectOrNull(req, "metadata");
        int limit = LangGraphInput.integer(req, "limit", 10, 1, LangGraphInput.MAX_PAGE);
        int offset = LangGraphInput.integer(req, "offset", 0, 0, Integer.MAX_VALUE);
        var sortBy = req.text("sort_by", false, 40).orElse("created_at");
        if (!LangGraphRepository.assistantSortable(sortBy)) {
            req.error("'sort_by' must be one of assistant_id, graph_id, name, created_at, updated_at");
        }
        boolean ascending = LangGraphInput.sortOrder(req).map("asc"::equals).orElse(false);
        var select = req.body().get("select");
        if (select != null && !select.isNull() && !select.isArray()) {
            req.error("'select' must be a list of field names");
        }
        req.check();
        return graphAssistants(workspace)
                .flatMap(x -> langGraph.searchAssistants(workspace, graph.orElse(null), name.orElse(null), metadata,
                        sortBy, ascending, limit, offset))
                .map(found -> {
                    var items = JSON.arrayNode();
                    found.forEach(a -> items.add(selected(LangGraphViews.assistant(a), select)));
                    return new LangGraphPage(items, offset, limit);
                });
    }

    public Uni<Long> count(String workspace, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), COUNT);
        var graph = req.text("graph_id", false, 200);
        var name = req.text("name", false, 200);
        var metadata = LangGraphInput.objectOrNull(req, "metadata");
        req.check();
        return graphAssistants(workspace).flatMap(x -> langGraph.countAssistants(workspace, graph.orElse(null),
                name.orElse(null), metadata));
    }

    /** Only the fields {@code select} names (all without it). */
    static ObjectNode selected(ObjectNode item, JsonNode select) {
        if (select == null || !select.isArray() || select.isEmpty()) {
            return item;
        }
        var out = JSON.objectNode();
        select.forEach(f -> {
            if (item.has(f.asText())) {
                out.set(f.asText(), item.get(f.asText()));
            }
        });
        return out;
    }

    public Uni<ArrayNode> versions(String workspace, String id, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), Set.of("limit", "offset", "metadata"));
        int limit = LangGraphInput.integer(req, "limit", 10, 1, LangGraphInput.MAX_PAGE);
        int offset = LangGraphInput.integer(req, "offset", 0, 0, Integer.MAX_VALUE);
        LangGraphInput.objectOrNull(req, "metadata");
        req.check();
        return resolve(workspace, id).flatMap(a -> assistants.versions(workspace, a.get("id").asText(), limit, offset)
                .map(list -> {
                    var out = JSON.arrayNode();
                    list.forEach(v -> out.add(LangGraphViews.assistantVersion(v, a.path("flow").path("name")
                            .asText())));
                    return out;
                }));
    }

    /** Makes an earlier version current again: a new version with that version's fields. */
    public Uni<ObjectNode> setLatest(String workspace, String id, JsonNode raw) {
        var req = Requests.of(LangGraphInput.orEmpty(raw), Set.of("version"));
        int version = LangGraphInput.integer(req, "version", -1, 1, Integer.MAX_VALUE);
        if (version < 0) {
            req.error("'version' is required");
        }
        req.check();
        return resolve(workspace, id).flatMap(a -> assistants.versions(workspace, a.get("id").asText(),
                LangGraphInput.MAX_PAGE, 0).flatMap(all -> {
                    var wanted = all.stream().filter(v -> v.path("version").asInt() == version).findFirst()
                            .orElseThrow(() -> ApiProblem.notFound("assistant version", id + " v" + version));
                    var forge = JSON.objectNode();
                    forge.put("name", wanted.path("name").asText());
                    forge.set("config", wanted.path("config"));
                    forge.set("metadata", wanted.path("metadata"));
                    return assistants.update(workspace, a.get("id").asText(), forge);
                })).map(LangGraphViews::assistant);
    }

    public Uni<FlowBlueprint> flowOf(String workspace, String id) {
        return resolve(workspace, id).flatMap(a -> {
            String name = a.path("flow").path("name").asText();
            return flows.resolveCurrent(workspace, name).map(f -> f.orElseThrow(() -> ApiProblem.notFound("graph",
                    name)));
        });
    }

    /** The flow as LangGraph draws a graph: __start__, one node per executor, __end__, and their edges. */
    public static ObjectNode graph(FlowBlueprint flow) {
        var out = JSON.objectNode();
        var nodes = out.putArray("nodes");
        var edges = out.putArray("edges");
        nodes.addObject().put("id", "__start__").put("type", "schema").put("data", "__start__");
        List<ExecutorSpec> executors = flow.executors();
        for (var e : executors) {
            nodes.addObject().put("id", e.id()).put("type", "runnable").putObject("data").put("id", e.id())
                    .put("name", e.id()).put("executor_type", e.type().toString().toLowerCase());
        }
        nodes.addObject().put("id", "__end__").put("type", "schema").put("data", "__end__");
        edges.addObject().put("source", "__start__").put("target", flow.entry().id()).put("conditional", false);
        for (int i = 0; i < executors.size(); i++) {
            var e = executors.get(i);
            boolean any = false;
            for (String to : e.outputTo() == null ? List.<String>of() : e.outputTo()) {
                edges.addObject().put("source", e.id()).put("target", to).put("conditional", false);
                any = true;
            }
            for (var route : e.routes() == null ? List.<Route>of() : e.routes()) {
                if (route.target() != null) {
                    edges.addObject().put("source", e.id()).put("target", route.target()).put("conditional", true)
                            .put("data", route.condition());
                    any = true;
                }
            }
            if (e.defaultTarget() != null) {
                edges.addObject().put("source", e.id()).put("target", e.defaultTarget()).put("conditional", true);
                any = true;
            }
            if (!any) {
                boolean sequential = flow.routingPolicy() == RoutingPolicy.SEQUENTIAL && i + 1 < executors.size();
                edges.addObject().put("source", e.id()).put("target", sequential ? executors.get(i + 1).id()
                        : "__end__").put("conditional", false);
            }
        }
        return out;
    }

    /** Schemas: the values every Forge run has (input, outputs by executor, messages); configurable = overrides. */
    public static ObjectNode schemas(FlowBlueprint flow) {
        var out = JSON.objectNode();
        out.put("graph_id", flow.name());
        out.set("input_schema", JSON.objectNode().put("type", "object").put("title", flow.name() + " input"));
        var state = JSON.objectNode().put("type", "object").put("title", flow.name() + " state");
        var props = state.putObject("properties");
        props.putObject("input").put("type", "object");
        var outputs = props.putObject("outputs").put("type", "object").putObject("properties");
        flow.executors().forEach(e -> outputs.putObject(e.id()));
        props.putObject("messages").put("type", "array");
        out.set("output_schema", state.deepCopy());
        out.set("state_schema", state);
        out.set("config_schema", JSON.objectNode().put("type", "object").put("title", "Forge run overrides"));
        out.set("context_schema", JSON.nullNode());
        return out;
    }
}
