package dev.forge.gateway.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.flow.FlowCatalog;
import dev.forge.gateway.repository.RunRepository;
import io.smallrye.mutiny.Uni;

/**
 * Reading runs: one run, pages of runs, a run's checkpoints (time travel), messages and communication graph, and
 * waiting for a run to finish. Every read is scoped to the caller's workspace; large values come back resolved.
 */
@ApplicationScoped
public class RunQueries {

    private static final Set<String> STATUSES = Set.of("pending", "running", "interrupted", "succeeded", "failed",
            "cancelled", "timed_out");

    private final RunRepository runs;
    private final FlowCatalog flows;
    private final OffloadedViews views;

    public RunQueries(RunRepository runs, FlowCatalog flows, OffloadedViews views) {
        this.runs = runs;
        this.flows = flows;
        this.views = views;
    }

    /**
     * Polls until the run has ended or waits for a person (interrupted), or the time is up; answers the run as it
     * is then.
     */
    public Uni<ObjectNode> awaitTerminal(String workspace, String id, Duration timeout) {
        var deadline = Instant.now().plus(timeout);
        return get(workspace, id).flatMap(run -> {
            var status = run.get("status").asText();
            if (!status.equals("pending") && !status.equals("running") || Instant.now().isAfter(deadline)) {
                return Uni.createFrom().item(run);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(50))
                    .flatMap(x -> awaitTerminal(workspace, id, Duration.between(Instant.now(),
                            deadline)));
        });
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return runs.find(workspace, Requests.pathId("run", id))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("run", id)));
    }

    /** A page of runs and the cursor of the next page (null on the last page). */
    public record Page(List<ObjectNode> items, String nextCursor) {
    }

    /** Newest first, filtered by session and status, {@code limit} per page, continuing after {@code cursor}. */
    public Uni<Page> list(String workspace, String sessionId, String status, String cursor, int limit) {
        OffsetDateTime beforeCreated = null;
        UUID beforeId = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                var decoded = new String(Base64.getUrlDecoder().decode(cursor),
                        StandardCharsets.UTF_8).split("\\|", 2);
                beforeCreated = OffsetDateTime.parse(decoded[0]);
                beforeId = UUID.fromString(decoded[1]);
            } catch (RuntimeException e) {
                throw ApiProblem.invalid("cursor is not one this API returned");
            }
        }
        return runs.list(workspace, Requests.queryUuid("session_id", sessionId),
                Requests.queryOneOf("status", status, STATUSES), beforeCreated, beforeId, limit + 1)
                .map(rows -> {
                    if (rows.size() <= limit) {
                        return new Page(rows, null);
                    }
                    var page = rows.subList(0, limit);
                    var last = page.get(limit - 1);
                    var raw = last.get("created_at").asText() + "|" + last.get("id").asText();
                    return new Page(page, Base64.getUrlEncoder().withoutPadding()
                            .encodeToString(raw.getBytes(StandardCharsets.UTF_8)));
                });
    }

    public Uni<List<ObjectNode>> checkpoints(String workspace, String id) {
        return get(workspace, id).flatMap(run -> runs.checkpoints(UUID.fromString(id))).flatMap(views::resolve);
    }

    public Uni<List<ObjectNode>> messages(String workspace, String id) {
        return get(workspace, id).flatMap(run -> runs.messages(UUID.fromString(id))).flatMap(views::resolve);
    }

    public Uni<List<ObjectNode>> graph(String workspace, String id) {
        return get(workspace, id).flatMap(run -> runs.edges(UUID.fromString(id))).flatMap(views::resolve);
    }

    /** The communication graph as Mermaid ({@code mermaid}) or Graphviz ({@code dot}) text. */
    public Uni<String> graphText(String workspace, String id, String format) {
        return get(workspace, id).flatMap(run -> {
            UUID runId = UUID.fromString(id);
            return flows.resolve(run.get("flow").get("name").asText(), run.get("flow").get("version").asText())
                    .flatMap(flow -> runs.latestStatuses(runId).flatMap(statuses -> runs.edges(runId)
                            .map(edges -> format.equals("dot")
                                    ? GraphRenderer.dot(flow, statuses.orElse(null), edges)
                                    : GraphRenderer.mermaid(flow, statuses.orElse(null), edges))));
        });
    }

    /** The checkpoint of a run at step N: the full state after N steps (time travel). */
    public Uni<ObjectNode> checkpoint(String workspace, String id, int step) {
        return get(workspace, id).flatMap(run -> runs.checkpoint(UUID.fromString(id), step))
                .flatMap(found -> found.isPresent() ? views.resolve(found.get())
                        : runs.checkpointSteps(UUID.fromString(id)).map(steps -> {
                            throw new ApiProblem(404, "not-found", "Not found", "run " + id + " has no checkpoint "
                                    + "at step " + step + (steps.isEmpty() ? " (it has none yet)"
                                            : " (it has steps " + steps.get(0) + " to " + steps.get(steps.size() - 1)
                                                    + ")"), null);
                        }));
    }
}
