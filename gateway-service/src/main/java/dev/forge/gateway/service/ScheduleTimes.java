package dev.forge.gateway.service;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import dev.forge.core.flow.FlowParser;

/**
 * When a schedule fires: a five-field cron expression (minute hour day-of-month month day-of-week, as crontab writes
 * it) read by cron-utils in an IANA time zone, or a fixed interval counted from the schedule's anchor. Daylight
 * saving follows cron-utils: a wall-clock time the spring change skips does not fire that day, a time the autumn
 * change repeats fires once, and an hourly expression fires every real hour.
 */
public final class ScheduleTimes {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** Shortest interval: a schedule is not a busy loop. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    private final ExecutionTime cron;
    private final ZoneId zone;
    private final Duration interval;
    private final Instant anchor;

    private ScheduleTimes(ExecutionTime cron, ZoneId zone, Duration interval, Instant anchor) {
        this.cron = cron;
        this.zone = zone;
        this.interval = interval;
        this.anchor = anchor;
    }

    /** What is wrong with a cron expression ({@code null} is fine: an interval schedule), or empty. */
    public static Optional<String> cronProblem(String expression) {
        if (expression == null) {
            return Optional.empty();
        }
        try {
            PARSER.parse(expression).validate();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("'cron' is not a five-field cron expression (minute hour day month weekday): "
                    + e.getMessage());
        }
    }

    /** The zone an IANA name stands for, or empty. */
    public static Optional<ZoneId> zone(String name) {
        try {
            return Optional.of(ZoneId.of(name));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** An interval such as {@code 15m}, {@code 90s} or a number of seconds, or empty. */
    public static Optional<Duration> interval(String text) {
        if (text.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        return FlowParser.parseDuration(text);
    }

    public static ScheduleTimes cron(String expression, ZoneId zone) {
        return new ScheduleTimes(ExecutionTime.forCron(PARSER.parse(expression)), zone, null, null);
    }

    /** Every {@code interval}, at {@code anchor} + k × interval. */
    public static ScheduleTimes every(Duration interval, Instant anchor) {
        return new ScheduleTimes(null, null, interval, anchor);
    }

    /** The first fire time strictly after {@code after}. */
    public Instant next(Instant after) {
        if (cron == null) {
            long periods = Math.max(0, Duration.between(anchor, after).toMillis() / interval.toMillis() + 1);
            return anchor.plus(interval.multipliedBy(periods));
        }
        return cron.nextExecution(after.atZone(zone)).map(t -> t.toInstant())
                .orElseThrow(() -> new IllegalStateException("the cron expression never fires again"));
    }

    /** The next {@code count} fire times after {@code after}. */
    public List<Instant> upcoming(Instant after, int count) {
        var out = new ArrayList<Instant>(count);
        Instant t = after;
        for (int i = 0; i < count; i++) {
            t = next(t);
            out.add(t);
        }
        return out;
    }
}
