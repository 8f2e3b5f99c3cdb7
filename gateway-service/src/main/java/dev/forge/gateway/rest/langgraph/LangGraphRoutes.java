package dev.forge.gateway.rest.langgraph;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forge.api.repository.OnVertxContext;
import dev.forge.api.rest.RouteProblems;
import dev.forge.api.security.Authenticator;
import dev.forge.api.security.Caller;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.rest.RunStreamRoutes;
import dev.forge.gateway.service.RunStreamService;
import dev.forge.gateway.service.langgraph.LangGraphAssistants;
import dev.forge.gateway.service.langgraph.LangGraphChunks;
import dev.forge.gateway.service.langgraph.LangGraphPage;
import dev.forge.gateway.service.langgraph.LangGraphRuns;
import dev.forge.gateway.service.langgraph.LangGraphThreads;
import dev.forge.gateway.service.langgraph.LangGraphViews;
import dev.forge.input.JsonInput;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.mutiny.core.Vertx;

/**
 * LangGraph's agent-server API on Forge's resources, as Vert.x routes: the same paths, bodies, status codes and
 * server-sent events LangGraph clients (e.g. {@code @langchain/langgraph-sdk}) use. Mounted under {@code /lg} on the
 * gateway's HTTP port and served at the root of its own port ({@link LangGraphServer}). Keys are Forge API keys, in
 * {@code x-api-key} (as LangGraph clients send them) or {@code Authorization: Bearer}; errors are problem+json, whose
 * {@code detail} LangGraph clients show.
 */
@ApplicationScoped
public class LangGraphRoutes {

    private static final Logger LOG = Logger.getLogger(LangGraphRoutes.class);
    private static final Role[] READ = { Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER };
    private static final Role[] WRITE = { Role.ADMIN, Role.OPERATOR, Role.DEVELOPER };

    private final Authenticator authenticator;
    private final LangGraphAssistants assistants;
    private final LangGraphThreads threads;
    private final LangGraphRuns runs;
    private final RunStreamService streams;
    private final GatewayConfig config;
    private final Vertx vertx;

    public LangGraphRoutes(Authenticator authenticator, LangGraphAssistants assistants, LangGraphThreads threads,
            LangGraphRuns runs, RunStreamService streams, GatewayConfig config, Vertx vertx) {
        this.authenticator = authenticator;
        this.assistants = assistants;
        this.threads = threads;
        this.runs = runs;
        this.streams = streams;
        this.config = config;
        this.vertx = vertx;
    }

    /** A new router with every LangGraph route (one per mount: a router is mounted once). */
    public Router router(io.vertx.core.Vertx core) {
        var r = Router.router(core);
        r.route().handler(BodyHandler.create().setBodyLimit(config.maxBodyBytes()).setHandleFileUploads(false));
        // the body handler's refusals (413 too large, 400 unreadable) as problems, like every other answer here
        r.route().failureHandler(rc -> RouteProblems.send(rc, rc.failure() != null ? rc.failure()
                : rc.statusCode() == 413 ? new ApiProblem(413, "payload-too-large", "Payload Too Large", "the body "
                        + "is larger than " + config.maxBodyBytes() + " bytes (forge.gateway.max-body-bytes)", null)
                        : new ApiProblem(rc.statusCode() > 0 ? rc.statusCode() : 400, "bad-request", "Bad Request",
                                "the request could not be read", null)));
        r.get("/ok").handler(rc -> rc.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}"));
        r.get("/info").handler(rc -> rc.response().putHeader("Content-Type", "application/json")
                .end("{\"version\":\"forge\",\"flags\":{\"assistants\":true,\"crons\":false,\"langsmith\":false}}"));

        json(r, HttpMethod.POST, "/assistants", WRITE, (c, rc) -> assistants.create(c.workspace(), body(rc)));
        r.post("/assistants/search").handler(rc -> answer(rc, READ, c -> paged(rc, assistants.search(c.workspace(),
                body(rc)))));
        json(r, HttpMethod.POST, "/assistants/count", READ, (c, rc) -> assistants.count(c.workspace(), body(rc))
                .map(n -> JsonNodeFactory.instance.numberNode(n)));
        json(r, HttpMethod.GET, "/assistants/:id", READ, (c, rc) -> assistants.get(c.workspace(), id(rc)));
        json(r, HttpMethod.PATCH, "/assistants/:id", WRITE, (c, rc) -> assistants.update(c.workspace(), id(rc),
                body(rc)));
        empty(r, HttpMethod.DELETE, "/assistants/:id", WRITE, (c, rc) -> assistants.delete(c.workspace(), id(rc)));
        json(r, HttpMethod.GET, "/assistants/:id/graph", READ, (c, rc) -> assistants.flowOf(c.workspace(), id(rc))
                .map(LangGraphAssistants::graph));
        json(r, HttpMethod.GET, "/assistants/:id/schemas", READ, (c, rc) -> assistants.flowOf(c.workspace(), id(rc))
                .map(LangGraphAssistants::schemas));
        json(r, HttpMethod.GET, "/assistants/:id/subgraphs", READ, (c, rc) -> assistants.flowOf(c.workspace(),
                id(rc)).map(flow -> JsonNodeFactory.instance.objectNode()));
        json(r, HttpMethod.POST, "/assistants/:id/versions", READ, (c, rc) -> assistants.versions(c.workspace(),
                id(rc), body(rc)));
        json(r, HttpMethod.POST, "/assistants/:id/latest", WRITE, (c, rc) -> assistants.setLatest(c.workspace(),
                id(rc), body(rc)));

        json(r, HttpMethod.POST, "/threads", WRITE, (c, rc) -> threads.create(c.workspace(), body(rc)));
        r.post("/threads/search").handler(rc -> answer(rc, READ, c -> paged(rc, threads.search(c.workspace(),
                body(rc)))));
        json(r, HttpMethod.POST, "/threads/count", READ, (c, rc) -> threads.count(c.workspace(), body(rc))
                .map(n -> JsonNodeFactory.instance.numberNode(n)));
        json(r, HttpMethod.GET, "/threads/:id", READ, (c, rc) -> threads.get(c.workspace(), id(rc)));
        json(r, HttpMethod.PATCH, "/threads/:id", WRITE, (c, rc) -> threads.update(c.workspace(), id(rc), body(rc)));
        empty(r, HttpMethod.DELETE, "/threads/:id", WRITE, (c, rc) -> threads.delete(c.workspace(), id(rc)));
        json(r, HttpMethod.POST, "/threads/:id/copy", WRITE, (c, rc) -> threads.copy(c.workspace(), id(rc)));
        json(r, HttpMethod.GET, "/threads/:id/state", READ, (c, rc) -> threads.state(c.workspace(), id(rc), null));
        json(r, HttpMethod.POST, "/threads/:id/state", WRITE, (c, rc) -> threads.updateState(c.workspace(), id(rc),
                body(rc)));
        json(r, HttpMethod.POST, "/threads/:id/state/checkpoint", READ, (c, rc) -> threads.state(c.workspace(),
                id(rc), checkpointOf(body(rc))));
        json(r, HttpMethod.GET, "/threads/:id/state/:checkpoint", READ, (c, rc) -> threads.state(c.workspace(),
                id(rc), rc.pathParam("checkpoint")));
        json(r, HttpMethod.POST, "/threads/:id/history", READ, (c, rc) -> threads.history(c.workspace(), id(rc),
                body(rc)));
        json(r, HttpMethod.GET, "/threads/:id/history", READ, (c, rc) -> threads.history(c.workspace(), id(rc),
                historyQuery(rc)));

        // runs on a thread
        r.post("/threads/:id/runs/stream").handler(rc -> stream(rc, id(rc)));
        r.post("/threads/:id/runs/wait").handler(rc -> await(rc, id(rc)));
        r.post("/threads/:id/runs").handler(rc -> answer(rc, WRITE, c -> runs.start(c, id(rc), body(rc), true)
                .map(started -> located(rc, started))));
        json(r, HttpMethod.GET, "/threads/:id/runs", READ, (c, rc) -> runs.list(c.workspace(), id(rc),
                intParam(rc, "limit", 10, 1, 1000), intParam(rc, "offset", 0, 0, Integer.MAX_VALUE),
                rc.request().getParam("status")));
        json(r, HttpMethod.GET, "/threads/:id/runs/:run", READ, (c, rc) -> runs.run(c.workspace(), id(rc),
                rc.pathParam("run")).map(LangGraphViews::run));
        empty(r, HttpMethod.DELETE, "/threads/:id/runs/:run", WRITE, (c, rc) -> runs.delete(c.workspace(), id(rc),
                rc.pathParam("run")));
        empty(r, HttpMethod.POST, "/threads/:id/runs/:run/cancel", WRITE, (c, rc) -> runs.cancel(c, id(rc),
                rc.pathParam("run"), boolParam(rc, "wait"), rc.request().getParam("action")));
        json(r, HttpMethod.GET, "/threads/:id/runs/:run/join", READ, (c, rc) -> runs.run(c.workspace(), id(rc),
                rc.pathParam("run")).flatMap(run -> runs.awaitValues(c.workspace(), run.get("id").asText())));
        r.get("/threads/:id/runs/:run/stream").handler(this::joinStream);
        r.get("/runs/:run/stream").handler(this::joinStream);

        // stateless runs: a new thread per run
        r.post("/runs/stream").handler(rc -> stream(rc, null));
        r.post("/runs/wait").handler(rc -> await(rc, null));
        r.post("/runs").handler(rc -> answer(rc, WRITE, c -> runs.start(c, null, body(rc), true)
                .map(started -> located(rc, started))));
        r.post("/runs/batch").handler(rc -> answer(rc, WRITE, c -> batch(c, body(rc))));

        for (String feature : new String[] { "/runs/crons", "/threads/:id/runs/crons", "/store", "/a2a", "/mcp" }) {
            String name = feature.replace("/threads/:id", "");
            String instead = feature.contains("crons") ? ": use Forge schedules (/v1/schedules)"
                    : feature.equals("/store") ? ": use Forge memories (/v1/memories)"
                            : feature.equals("/mcp") ? ": Forge's MCP servers are /v1/mcp/servers" : "";
            var refusal = new ApiProblem(404, "not-supported", "Not supported", "LangGraph's " + name
                    + " API is not served by Forge's LangGraph API" + instead, null);
            r.route(feature).handler(rc -> RouteProblems.send(rc, refusal));
            r.route(feature + "/*").handler(rc -> RouteProblems.send(rc, refusal));
        }
        r.route().last().handler(rc -> RouteProblems.send(rc, new ApiProblem(404, "not-found", "Not found",
                "no LangGraph route " + rc.request().method() + " " + rc.normalizedPath(), null)));
        return r;
    }

    // --- plumbing -------------------------------------------------------------------------------------------------

    /** A search's items; a full page says where the next starts (X-Pagination-Next, as LangGraph's server). */
    private static Uni<JsonNode> paged(RoutingContext rc, Uni<LangGraphPage> page) {
        return page.map(p -> {
            if (p.nextOffset() >= 0) {
                rc.response().putHeader("X-Pagination-Next", Integer.toString(p.nextOffset()));
            }
            return p.items();
        });
    }

    /** What a LangGraph stream follows: whose it is, which run, from where, and what ends it. */
    private record StreamTarget(Caller caller, String runId, String threadId, Set<String> modes, long after,
            boolean deleteThreadAfter, boolean cancelOnDisconnect) {
    }

    private void json(Router r, HttpMethod method, String path, Role[] roles,
            BiFunction<Caller, RoutingContext, Uni<? extends JsonNode>> action) {
        r.route(method, path).handler(rc -> answer(rc, roles, c -> action.apply(c, rc)));
    }

    private void empty(Router r, HttpMethod method, String path, Role[] roles,
            BiFunction<Caller, RoutingContext, Uni<Void>> action) {
        r.route(method, path).handler(rc -> authenticated(rc, roles)
                .flatMap(c -> action.apply(c, rc))
                .subscribe().with(x -> {
                    if (!rc.response().ended()) {
                        rc.response().setStatusCode(204).end();
                    }
                }, failure -> RouteProblems.send(rc, failure)));
    }

    private void answer(RoutingContext rc, Role[] roles,
            Function<Caller, Uni<? extends JsonNode>> action) {
        authenticated(rc, roles).flatMap(action::apply).subscribe().with(result -> {
            if (!rc.response().ended()) {
                rc.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                        .end(result.toString());
            }
        }, failure -> RouteProblems.send(rc, failure));
    }

    /**
     * The caller, from {@code x-api-key} or {@code Authorization: Bearer}; what follows runs on a safe duplicated
     * Vert.x context of its own — on LangGraph's own port requests arrive on the connection's root context, where
     * Hibernate Reactive refuses to work.
     */
    private Uni<Caller> authenticated(RoutingContext rc, Role[] roles) {
        return OnVertxContext.isolated(() -> caller(rc, roles));
    }

    private Uni<Caller> caller(RoutingContext rc, Role[] roles) {
        try {
            String key = rc.request().getHeader("x-api-key");
            String authorization = key != null && !key.isBlank() ? "Bearer " + key.trim()
                    : rc.request().getHeader("Authorization");
            return authenticator.require(authorization, rc.request().method() + " " + rc.normalizedPath(), roles);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** The request's JSON body (none is {}), refused when malformed: NULs, trailing data, not JSON. */
    private static JsonNode body(RoutingContext rc) {
        var buffer = rc.body() == null ? null : rc.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        var type = rc.request().getHeader("Content-Type");
        if (type != null && !type.toLowerCase().startsWith("application/json")) {
            throw new ApiProblem(415, "unsupported-media-type", "Unsupported Media Type",
                    "send the body as application/json", null);
        }
        return JsonInput.body(buffer.getBytes());
    }

    private static String id(RoutingContext rc) {
        return rc.pathParam("id");
    }

    private static String checkpointOf(JsonNode body) {
        var id = body.path("checkpoint").path("checkpoint_id");
        if (!id.isTextual()) {
            throw ApiProblem.invalid("'checkpoint.checkpoint_id' is required");
        }
        return id.asText();
    }

    private static JsonNode historyQuery(RoutingContext rc) {
        var out = JsonNodeFactory.instance.objectNode();
        String limit = rc.request().getParam("limit");
        if (limit != null) {
            out.put("limit", intParam(rc, "limit", 10, 1, 1000));
        }
        return out;
    }

    private static int intParam(RoutingContext rc, String name, int fallback, int min, int max) {
        String raw = rc.request().getParam(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(raw.trim());
            if (v >= min && v <= max) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiProblem.invalid("'" + name + "' must be a whole number from " + min + " to " + max);
    }

    private static boolean boolParam(RoutingContext rc, String name) {
        String raw = rc.request().getParam(name);
        if (raw == null || raw.isBlank()) {
            return false;
        }
        if (raw.equals("true") || raw.equals("1")) {
            return true;
        }
        if (raw.equals("false") || raw.equals("0")) {
            return false;
        }
        throw ApiProblem.invalid("'" + name + "' must be true or false");
    }

    /** The run as LangGraph shows it, with the Content-Location its clients read the run's ids from. */
    private static JsonNode located(RoutingContext rc, LangGraphRuns.Started started) {
        rc.response().putHeader("Content-Location", "/threads/" + started.threadId() + "/runs/" + started.runId());
        return LangGraphViews.run(started.run());
    }

    private Uni<JsonNode> batch(Caller caller, JsonNode body) {
        if (!body.isArray() || body.isEmpty() || body.size() > 100) {
            throw ApiProblem.invalid("the body must be a list of 1 to 100 runs");
        }
        Uni<ArrayNode> chain = Uni.createFrom()
                .item(JsonNodeFactory.instance.arrayNode());
        for (JsonNode item : body) {
            chain = chain.flatMap(out -> runs.start(caller, null, item, true)
                    .map(started -> out.add(LangGraphViews.run(started.run()))));
        }
        return chain.map(out -> out);
    }

    private void await(RoutingContext rc, String threadId) {
        authenticated(rc, WRITE).flatMap(c -> runs.start(c, threadId, body(rc), false)
                .flatMap(started -> {
                    rc.response().putHeader("Content-Location", "/threads/" + started.threadId() + "/runs/"
                            + started.runId());
                    return runs.awaitValues(c.workspace(), started.runId()).call(values -> started.deleteThreadAfter()
                            ? runs.deleteThread(c.workspace(), started.threadId()) : Uni.createFrom().voidItem());
                }))
                .subscribe().with(values -> {
                    if (!rc.response().ended()) {
                        rc.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                                .end(values.toString());
                    }
                }, failure -> RouteProblems.send(rc, failure));
    }

    private void stream(RoutingContext rc, String threadId) {
        authenticated(rc, WRITE).flatMap(c -> runs.start(c, threadId, body(rc), false).map(started -> {
            rc.response().putHeader("Location", "/threads/" + started.threadId() + "/runs/" + started.runId()
                    + "/stream");
            rc.response().putHeader("Content-Location", "/threads/" + started.threadId() + "/runs/"
                    + started.runId());
            return new StreamTarget(c, started.runId(), started.threadId(), started.modes(), started.after(),
                    started.deleteThreadAfter(), started.cancelOnDisconnect());
        })).subscribe().with(target -> send(rc, target), failure -> RouteProblems.send(rc, failure));
    }

    /** join_stream: a run's stream (again), after Last-Event-ID when the client reconnects. */
    private void joinStream(RoutingContext rc) {
        long after;
        Set<String> modes;
        boolean cancelOnDisconnect;
        try {
            after = RunStreamRoutes.lastEventId(rc.request().getHeader("Last-Event-ID"));
            modes = modesParam(rc);
            cancelOnDisconnect = boolParam(rc, "cancel_on_disconnect");
        } catch (ApiProblem p) {
            RouteProblems.send(rc, p);
            return;
        }
        authenticated(rc, READ).flatMap(c -> (id(rc) == null ? runs.run(c.workspace(), rc.pathParam("run"))
                : runs.run(c.workspace(), id(rc), rc.pathParam("run")))
                .map(run -> new StreamTarget(c, run.get("id").asText(), run.get("session_id").asText(), modes, after,
                        false, cancelOnDisconnect)))
                .subscribe().with(target -> send(rc, target), failure -> RouteProblems.send(rc, failure));
    }

    private static Set<String> modesParam(RoutingContext rc) {
        var all = rc.queryParam("stream_mode");
        if (all.isEmpty()) {
            return Set.of("values");
        }
        var modes = new LinkedHashSet<String>();
        var names = new ArrayList<String>();
        for (String raw : all) {
            // LangGraph clients send a list of modes as one JSON array parameter
            if (raw.startsWith("[")) {
                var list = JsonInput.body(raw.getBytes(StandardCharsets.UTF_8));
                list.forEach(m -> names.add(m.asText()));
            } else {
                names.add(raw);
            }
        }
        for (String m : names) {
            if (!LangGraphChunks.MODES.contains(m)) {
                throw ApiProblem.invalid("'stream_mode' '" + m + "' is not supported by Forge's LangGraph API "
                        + "(supported: " + LangGraphChunks.MODES.stream().sorted().toList() + ")");
            }
            modes.add(m);
        }
        return modes;
    }

    /** Writes the run's LangGraph stream: metadata, the chunks of its events in order, then end. */
    private void send(RoutingContext rc, StreamTarget target) {
        Caller caller = target.caller();
        String runId = target.runId();
        String threadId = target.threadId();
        HttpServerResponse response = rc.response();
        if (!RunStreamRoutes.open(response)) {
            return;
        }
        var chunks = new LangGraphChunks(runId, threadId, target.modes(),
                step -> runs.stateAt(caller.workspace(), runId, step));
        response.write(frame(null, "metadata", chunks.metadata()));
        long keepAlive = RunStreamRoutes.keepAlive(vertx, response);
        boolean[] done = { false };
        Runnable finish = () -> {
            vertx.cancelTimer(keepAlive);
            if (done[0]) {
                return;
            }
            done[0] = true;
            Uni<Void> cleanup = target.deleteThreadAfter() ? runs.deleteThread(caller.workspace(), threadId)
                    : Uni.createFrom().voidItem();
            cleanup.subscribe().with(x -> {
                if (!response.closed()) {
                    response.end("event: end\ndata: null\n\n");
                }
            }, e -> response.end());
        };
        // a run that stops to wait ends the stream while Forge's event stream stays open: it is cancelled then
        var upstream = new AtomicReference<Cancellable>();
        // chunks of one event are computed (a checkpoint read) before the next event's: concatMap keeps the order
        Cancellable subscription = streams.events(UUID.fromString(runId), target.after())
                .select().where(e -> !chunks.ended())
                .onItem().transformToUniAndConcatenate(event -> chunks.of(event))
                .subscribe().with(list -> {
                    if (!response.closed()) {
                        list.forEach(chunk -> response.write(frame(chunk.id(), chunk.event(), chunk.data())));
                    }
                    if (chunks.ended()) {
                        finish.run();
                        var own = upstream.get();
                        if (own != null) {
                            own.cancel();
                        }
                    }
                }, failure -> {
                    LOG.warnf("LangGraph stream of run %s failed: %s", runId, failure.getMessage());
                    vertx.cancelTimer(keepAlive);
                    if (!response.closed()) {
                        response.end(frame(null, "error", JsonNodeFactory.instance.objectNode()
                                .put("error", "StreamError").put("message", "the event stream failed; reconnect "
                                        + "with Last-Event-ID to resume")));
                    }
                }, finish);
        upstream.set(subscription);
        if (done[0]) {
            subscription.cancel();
        }
        response.closeHandler(v -> {
            vertx.cancelTimer(keepAlive);
            subscription.cancel();
            if (target.cancelOnDisconnect() && !done[0]) {
                runs.cancel(caller, threadId, runId, false, null).subscribe().with(x -> {
                }, e -> LOG.debugf("cancel on disconnect of run %s: %s", runId, e.getMessage()));
            }
        });
    }

    private static String frame(String id, String event, JsonNode data) {
        return RunStreamRoutes.frame(id, event, data.toString());
    }

}
