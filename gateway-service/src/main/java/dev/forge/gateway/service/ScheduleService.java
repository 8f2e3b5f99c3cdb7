package dev.forge.gateway.service;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.repository.Rows;
import dev.forge.api.service.ApiProblem;
import dev.forge.api.service.Requests;
import dev.forge.core.flow.RunOverridesJson;
import dev.forge.gateway.repository.AssistantRepository;
import dev.forge.gateway.repository.ScheduleRepository;
import dev.forge.gateway.repository.SessionRepository;
import dev.forge.gateway.repository.StoredSchedule;
import io.smallrye.mutiny.Uni;

/**
 * Schedules through the API (REST and gRPC share this): checked, stored, shown with their next fire times, changed,
 * paused and resumed. {@link SchedulePoller} fires them.
 */
@ApplicationScoped
public class ScheduleService {

    private static final Set<String> CREATE_FIELDS = Set.of("name", "assistant_id", "session_id", "cron", "timezone",
            "interval", "input", "overrides", "multitask_strategy", "misfire_policy", "paused");
    private static final Set<String> PATCH_FIELDS = Set.of("name", "cron", "timezone", "interval", "input",
            "overrides", "multitask_strategy", "misfire_policy");
    private static final Set<String> MULTITASK = Set.of("enqueue", "reject", "interrupt");
    private static final Set<String> MISFIRE = Set.of("skip", "run_once");
    /** How many next fire times a view shows. */
    private static final int UPCOMING = 5;

    private final ScheduleRepository schedules;
    private final AssistantRepository assistants;
    private final SessionRepository sessions;

    public ScheduleService(ScheduleRepository schedules, AssistantRepository assistants, SessionRepository sessions) {
        this.schedules = schedules;
        this.assistants = assistants;
        this.sessions = sessions;
    }

    /** When a stored schedule fires. */
    public static ScheduleTimes times(StoredSchedule s) {
        return s.cron != null ? ScheduleTimes.cron(s.cron, ScheduleTimes.zone(s.timezone).orElse(ZoneOffset.UTC))
                : ScheduleTimes.every(Duration.ofSeconds(s.intervalSeconds), s.createdAt.toInstant());
    }

    public static ObjectNode view(StoredSchedule s) {
        return s.view(s.paused ? List.of() : times(s).upcoming(Instant.now(), UPCOMING));
    }

    public Uni<ObjectNode> create(String workspace, JsonNode body) {
        var req = Requests.of(body, CREATE_FIELDS);
        var s = new StoredSchedule();
        s.id = UUID.randomUUID();
        s.workspaceId = workspace;
        s.name = name(req, true);
        var assistantId = req.uuid("assistant_id", false);
        var sessionId = req.uuid("session_id", false);
        if (assistantId.isEmpty() && sessionId.isEmpty() && !body.hasNonNull("assistant_id")
                && !body.hasNonNull("session_id")) {
            req.error("'assistant_id' is required (or 'session_id': the runs then go into that session)");
        }
        applyTiming(req, body, s, true);
        applyRunFields(req, body, s);
        if (body.has("paused") && !body.get("paused").isBoolean()) {
            req.error("'paused' must be true or false");
        }
        s.paused = body.path("paused").asBoolean(false);
        req.check();
        Uni<UUID> owner = sessionId.isPresent()
                ? sessions.find(workspace, sessionId.get()).map(found -> {
                    var session = found.orElseThrow(() -> ApiProblem.notFound("session", sessionId.get().toString()));
                    return SessionOwners.owner(session, assistantId);
                })
                : assistants.find(workspace, assistantId.get()).map(found -> {
                    found.orElseThrow(() -> ApiProblem.notFound("assistant", assistantId.get().toString()));
                    return assistantId.get();
                });
        return owner.flatMap(a -> {
            s.assistantId = a;
            s.sessionId = sessionId.orElse(null);
            s.createdAt = OffsetDateTime.now();
            s.nextFireAt = firstTick(s, Instant.now());
            return schedules.insert(s).onFailure(ScheduleService::isUniqueViolation).transform(e -> nameTaken(s.name));
        }).map(ScheduleService::view);
    }

    public Uni<ObjectNode> get(String workspace, String id) {
        return found(workspace, id).map(ScheduleService::view);
    }

    public Uni<List<ObjectNode>> list(String workspace, String assistantId, int limit, int offset) {
        UUID assistant = Requests.queryUuid("assistant_id", assistantId);
        return schedules.list(workspace, assistant, limit, offset)
                .map(list -> list.stream().map(ScheduleService::view).toList());
    }

    /** Changes fields; a new timing takes effect from now (ticks already passed are not made up). */
    public Uni<ObjectNode> patch(String workspace, String id, JsonNode body) {
        UUID scheduleId = Requests.pathId("schedule", id);
        var req = Requests.of(body, PATCH_FIELDS);
        var name = body.has("name") ? name(req, true) : null;
        // the run fields are checked (and read) once, here; the timing needs the stored schedule (a time zone alone
        // changes a cron schedule's), so it is checked under the row lock
        var given = new StoredSchedule();
        boolean timing = body.has("cron") || body.has("interval") || body.has("timezone");
        applyRunFields(req, body, given);
        req.check();
        return schedules.update(workspace, scheduleId, s -> {
            if (timing) {
                var timingProblems = Requests.of(body, PATCH_FIELDS);
                applyTiming(timingProblems, body, s, false);
                timingProblems.check();
                s.nextFireAt = firstTick(s, Instant.now());
            }
            if (name != null) {
                s.name = name;
            }
            copyRunFields(body, given, s);
        }).onFailure(ScheduleService::isUniqueViolation).transform(e -> nameTaken(name))
                .map(found -> shown(found, id));
    }

    /** Stops firing; the pending tick is kept for {@link #resume}. */
    public Uni<ObjectNode> pause(String workspace, String id) {
        return schedules.update(workspace, Requests.pathId("schedule", id), s -> s.paused = true)
                .map(found -> shown(found, id));
    }

    /** Fires again from the next tick after now: ticks that passed while paused are not made up. */
    public Uni<ObjectNode> resume(String workspace, String id) {
        return schedules.update(workspace, Requests.pathId("schedule", id), s -> {
            if (s.paused) {
                s.paused = false;
                s.nextFireAt = firstTick(s, Instant.now());
            }
        }).map(found -> shown(found, id));
    }

    public Uni<Void> delete(String workspace, String id) {
        return schedules.delete(workspace, Requests.pathId("schedule", id)).map(deleted -> {
            if (!deleted) {
                throw ApiProblem.notFound("schedule", id);
            }
            return null;
        });
    }

    /** The schedule's view, or 404 when the change found none. */
    private static ObjectNode shown(Optional<StoredSchedule> found, String id) {
        return view(found.orElseThrow(() -> ApiProblem.notFound("schedule", id)));
    }

    private Uni<StoredSchedule> found(String workspace, String id) {
        return schedules.find(workspace, Requests.pathId("schedule", id))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("schedule", id)));
    }

    private static OffsetDateTime firstTick(StoredSchedule s, Instant now) {
        return times(s).next(now).atOffset(ZoneOffset.UTC);
    }

    private static String name(Requests req, boolean required) {
        var name = req.text("name", required, 100);
        if (name.isPresent() && !name.get().matches("[A-Za-z0-9][A-Za-z0-9 ._-]*")) {
            req.error("'name' must start with a letter or digit and hold letters, digits, spaces, '.', '_' or '-'");
        }
        return name.orElse(null);
    }

    /** cron (with timezone) or interval: exactly one on create; on a patch, what is given replaces the timing. */
    private static void applyTiming(Requests req, JsonNode body, StoredSchedule s, boolean creating) {
        var cron = req.text("cron", false, 200);
        var interval = body.get("interval");
        var zone = req.text("timezone", false, 64);
        if (cron.isPresent() == (interval != null && !interval.isNull())) {
            if (creating || cron.isPresent() || body.has("interval")) {
                req.error("give exactly one of 'cron' (with an optional 'timezone') and 'interval'");
            }
        }
        cron.flatMap(ScheduleTimes::cronProblem).ifPresent(req::error);
        zone.ifPresent(z -> {
            if (ScheduleTimes.zone(z).isEmpty()) {
                req.error("'timezone' must be an IANA time zone such as Europe/Berlin, not '" + z + "'");
            }
        });
        if (cron.isPresent()) {
            s.cron = cron.get();
            s.intervalSeconds = null;
            zone.ifPresent(z -> s.timezone = z);
            if (ScheduleTimes.cronProblem(s.cron).isEmpty() && ScheduleTimes.zone(s.timezone).isPresent()) {
                try {
                    times(s).next(Instant.now());
                } catch (IllegalStateException e) {
                    req.error("'cron' " + s.cron + " never fires");
                }
            }
        } else if (interval != null && !interval.isNull()) {
            Optional<Duration> every = interval.isIntegralNumber() ? Optional.of(Duration.ofSeconds(interval.asLong()))
                    : interval.isTextual() ? ScheduleTimes.interval(interval.asText()) : Optional.empty();
            if (every.isEmpty() || every.get().compareTo(ScheduleTimes.MIN_INTERVAL) < 0
                    || every.get().toDays() > 366) {
                req.error("'interval' must be a duration from 1s to 366 days, such as \"15m\" or 900");
            } else {
                s.intervalSeconds = every.get().toSeconds();
                s.cron = null;
                s.timezone = "UTC";
            }
            if (zone.isPresent()) {
                req.error("'timezone' applies to cron schedules only");
            }
        } else if (zone.isPresent() && s.cron != null) {
            s.timezone = zone.get();
        } else if (zone.isPresent() && !creating) {
            req.error("'timezone' applies to cron schedules only");
        }
    }

    /** input, overrides, multitask_strategy, misfire_policy: checked, and set where given. */
    private static void applyRunFields(Requests req, JsonNode body, StoredSchedule s) {
        if (body.has("input")) {
            s.input = req.object("input").toString();
        }
        if (body.has("overrides") && !body.get("overrides").isNull()) {
            var parsed = RunOverridesJson.parse(body.get("overrides"));
            parsed.problems().forEach(req::error);
            s.overrides = body.get("overrides").toString();
        }
        req.text("multitask_strategy", false, 20).ifPresent(m -> {
            if (!MULTITASK.contains(m)) {
                req.error("'multitask_strategy' must be one of " + MULTITASK.stream().sorted().toList());
            }
            s.multitaskStrategy = m;
        });
        req.text("misfire_policy", false, 20).ifPresent(m -> {
            if (!MISFIRE.contains(m)) {
                req.error("'misfire_policy' must be skip or run_once");
            }
            s.misfirePolicy = m;
        });
    }

    /** The run fields a patch gave, from the schedule they were checked on to the stored one. */
    private static void copyRunFields(JsonNode body, StoredSchedule from, StoredSchedule to) {
        if (body.has("input")) {
            to.input = from.input;
        }
        if (body.hasNonNull("overrides")) {
            to.overrides = from.overrides;
        }
        if (body.hasNonNull("multitask_strategy")) {
            to.multitaskStrategy = from.multitaskStrategy;
        }
        if (body.hasNonNull("misfire_policy")) {
            to.misfirePolicy = from.misfirePolicy;
        }
    }

    /** The body of the run a tick creates. */
    static ObjectNode runBody(StoredSchedule s) {
        var body = JsonNodeFactory.instance.objectNode();
        if (s.sessionId == null) {
            body.put("assistant_id", s.assistantId.toString());
        }
        body.set("input", Rows.json(s.input, "input"));
        body.set("overrides", Rows.json(s.overrides, "overrides"));
        body.put("multitask_strategy", s.multitaskStrategy);
        return body;
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            var message = String.valueOf(t.getMessage());
            if (message.contains("23505") || message.contains("duplicate key")) {
                return true;
            }
        }
        return false;
    }

    private static ApiProblem nameTaken(String name) {
        return new ApiProblem(409, "schedule-name-taken", "Schedule name taken", "a schedule named '" + name
                + "' already exists in this workspace", null);
    }
}
