package dev.forge.gateway.rest;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.openapi.DocumentedRoutes;
import dev.forge.api.openapi.RouteDoc;
import dev.forge.api.rest.ProblemMappers;
import dev.forge.api.rest.RouteProblems;
import dev.forge.api.security.Authenticator;
import dev.forge.api.service.ApiProblem;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.service.RunCreation;
import dev.forge.gateway.service.RunEvent;
import dev.forge.gateway.service.RunQueries;
import dev.forge.gateway.service.RunStreamService;
import dev.forge.input.JsonInput;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.mutiny.core.Vertx;

/**
 * Server-sent events for runs, served as Vert.x routes so that every refusal (401, 403, 404, 422) is a proper
 * problem+json response decided before the stream starts, and the stream's headers name the run.
 * <ul>
 * <li>{@code GET /v1/runs/{id}/stream} — {@code Last-Event-ID} (or {@code ?last_event_id=}) resumes after that
 * event;</li>
 * <li>{@code POST /v1/runs/stream} — creates the run (same body and Idempotency-Key as POST /v1/runs) and streams
 * it.</li>
 * </ul>
 * Events: {@code metadata} (no id), then the run's durable events with their ids, then {@code end}.
 */
@ApplicationScoped
public class RunStreamRoutes implements DocumentedRoutes {

    static final RouteDoc STREAM = new RouteDoc("GET", "/v1/runs/{id}/stream",
            Set.of(Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER), "runs", "streamRun",
            "Follow a run's events (server-sent events): metadata, its durable events with their ids, then end", null,
            null, 200, "text/event-stream", null,
            List.of(new RouteDoc.Param("Last-Event-ID", "header", "Resume after this event id"),
                    new RouteDoc.Param("last_event_id", "query", "Resume after this event id (for EventSource)")));
    static final RouteDoc CREATE_AND_STREAM = new RouteDoc("POST", "/v1/runs/stream",
            Set.of(Role.ADMIN, Role.OPERATOR, Role.DEVELOPER), "runs", "createRunAndStream",
            "Create a run (the body and Idempotency-Key of createRun) and follow its events", "application/json",
            "RunCreate", 200, "text/event-stream", null,
            List.of(new RouteDoc.Param("Idempotency-Key", "header", "As on createRun")));

    private static final Logger LOG = Logger.getLogger(RunStreamRoutes.class);
    private static final long KEEP_ALIVE_MS = 15_000;

    private final Authenticator authenticator;
    private final RunCreation creation;
    private final RunQueries queries;
    private final RunStreamService streams;
    private final GatewayConfig config;
    private final Vertx vertx;

    public RunStreamRoutes(Authenticator authenticator, RunCreation creation, RunQueries queries,
            RunStreamService streams, GatewayConfig config, Vertx vertx) {
        this.authenticator = authenticator;
        this.creation = creation;
        this.queries = queries;
        this.streams = streams;
        this.config = config;
        this.vertx = vertx;
    }

    @Override
    public List<RouteDoc> documentedRoutes() {
        return List.of(STREAM, CREATE_AND_STREAM);
    }

    void install(@Observes Router router) {
        router.get("/v1/runs/:id/stream").order(-50).handler(this::stream);
        router.post("/v1/runs/stream").order(-50)
                .handler(BodyHandler.create().setBodyLimit(config.maxBodyBytes()).setHandleFileUploads(false))
                .handler(this::createAndStream);
    }

    void stream(RoutingContext rc) {
        String id = rc.pathParam("id");
        long after;
        try {
            String raw = rc.request().getHeader("Last-Event-ID");
            after = lastEventId(raw != null ? raw : rc.request().getParam("last_event_id"));
        } catch (ApiProblem p) {
            fail(rc, p);
            return;
        }
        authenticator.require(rc.request().getHeader("Authorization"), "GET " + rc.request().path(),
                STREAM.admitted())
                .flatMap(caller -> queries.get(caller.workspace(), id))
                .subscribe().with(run -> start(rc, run, after), failure -> fail(rc, failure));
    }

    void createAndStream(RoutingContext rc) {
        Uni<RunCreation.Created> created = authenticator.require(rc.request().getHeader("Authorization"),
                "POST " + rc.request().path(), CREATE_AND_STREAM.admitted())
                .flatMap(caller -> creation.create(caller.workspace(), body(rc), null,
                        rc.request().getHeader("Idempotency-Key")));
        created.subscribe().with(c -> {
            String runId = c.run().get("id").asText();
            rc.response().putHeader("Location", "/v1/runs/" + runId + "/stream")
                    .putHeader("Content-Location", "/v1/runs/" + runId);
            start(rc, c.run(), 0);
        }, failure -> fail(rc, failure));
    }

    private static JsonNode body(RoutingContext rc) {
        var type = rc.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw new ApiProblem(415, "unsupported-media-type", "Unsupported Media Type",
                    "send the run as application/json", null);
        }
        var bytes = rc.body().buffer();
        return JsonInput.body(bytes == null ? new byte[0] : bytes.getBytes());
    }

    /** A Last-Event-ID (or ?last_event_id=) as the event id to resume after; 0 for none, 422 when malformed. */
    public static long lastEventId(String raw) {
        if (raw == null || raw.isBlank() || raw.trim().equals("-1")) {
            return 0;
        }
        try {
            long id = Long.parseLong(raw.trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiProblem.invalid("Last-Event-ID must be an event id (a whole number)");
    }

    /** Starts a server-sent event stream on the response; false when the client already went away. */
    public static boolean open(HttpServerResponse response) {
        if (response.closed()) {
            return false;
        }
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        return true;
    }

    /** A comment line every 15 s keeps an idle stream's connection open; the timer's id, to cancel it. */
    public static long keepAlive(Vertx vertx, HttpServerResponse response) {
        return vertx.setPeriodic(KEEP_ALIVE_MS, t -> {
            if (!response.closed()) {
                response.write(": keep-alive\n\n");
            }
        });
    }

    private void start(RoutingContext rc, ObjectNode run, long after) {
        HttpServerResponse response = rc.response();
        if (!open(response)) {
            return;
        }
        var runId = UUID.fromString(run.get("id").asText());
        var metadata = JsonNodeFactory.instance.objectNode().put("run_id", runId.toString())
                .put("session_id", run.get("session_id").asText()).put("status", run.get("status").asText())
                .put("resumed_after", after);
        response.write(frame(null, "metadata", metadata.toString()));
        var status = new String[] { run.get("status").asText() };
        long keepAlive = keepAlive(vertx, response);
        Cancellable subscription = streams.events(runId, after).subscribe().with(event -> {
            if (event.terminal()) {
                status[0] = event.type().substring("run.".length());
            }
            if (!response.closed()) {
                // deltas (id 0) are not stored: no SSE id, so Last-Event-ID keeps naming stored events only
                response.write(frame(event.id() > 0 ? Long.toString(event.id()) : null, event.type(), data(event)));
            }
        }, failure -> {
            vertx.cancelTimer(keepAlive);
            LOG.warnf("Event stream of run %s failed: %s", runId, failure.getMessage());
            if (!response.closed()) {
                var problem = ProblemMappers.problem(500, "internal-error", "Internal error",
                        "the event stream failed; reconnect with Last-Event-ID to resume", null);
                response.end(frame(null, "error", problem.toString()));
            }
        }, () -> {
            vertx.cancelTimer(keepAlive);
            if (!response.closed()) {
                response.end(frame(null, "end", JsonNodeFactory.instance.objectNode()
                        .put("run_id", runId.toString()).put("status", status[0]).toString()));
            }
        });
        response.closeHandler(v -> {
            vertx.cancelTimer(keepAlive);
            subscription.cancel();
        });
    }

    private static String data(RunEvent e) {
        var data = JsonNodeFactory.instance.objectNode().put("id", e.id()).put("type", e.type())
                .put("severity", e.severity()).put("created_at", e.createdAt());
        data.set("data", e.payload());
        return data.toString();
    }

    /** One server-sent event; {@code id} null for an event that cannot be resumed after. */
    public static String frame(String id, String name, String json) {
        var sb = new StringBuilder();
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(name).append('\n');
        // JSON written by Jackson has no raw newlines, so one data line carries it
        sb.append("data: ").append(json).append("\n\n");
        return sb.toString();
    }

    private static void fail(RoutingContext rc, Throwable failure) {
        RouteProblems.send(rc, failure);
    }

}
