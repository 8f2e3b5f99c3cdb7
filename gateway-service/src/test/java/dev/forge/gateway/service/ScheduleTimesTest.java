package dev.forge.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

/** Fire times in a time zone across daylight-saving changes, and fixed intervals from their anchor. */
class ScheduleTimesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant berlin(int year, int month, int day, int hour, int minute) {
        return ZonedDateTime.of(year, month, day, hour, minute, 0, 0, BERLIN).toInstant();
    }

    @Test
    void aDailyTimeFollowsItsZoneThroughBothDaylightSavingChanges() {
        var daily = ScheduleTimes.cron("30 9 * * *", BERLIN);
        // 09:30 in Berlin is 08:30 UTC in winter and 07:30 UTC in summer: the wall-clock time holds
        var spring = daily.upcoming(berlin(2027, 3, 27, 12, 0), 2);
        assertThat(spring).containsExactly(Instant.parse("2027-03-28T07:30:00Z"), Instant.parse("2027-03-29T07:30:00Z"));
        assertThat(daily.next(berlin(2027, 3, 27, 0, 0))).isEqualTo(Instant.parse("2027-03-27T08:30:00Z"));
        var autumn = daily.upcoming(berlin(2027, 10, 30, 12, 0), 2);
        assertThat(autumn).containsExactly(Instant.parse("2027-10-31T08:30:00Z"), Instant.parse("2027-11-01T08:30:00Z"));
    }

    @Test
    void aTimeInsideTheChangedHourIsSkippedInSpringAndFiresOnceInAutumn() {
        var nightly = ScheduleTimes.cron("30 2 * * *", BERLIN);
        // 02:30 does not exist on 2027-03-28 (02:00 → 03:00): that day has no run
        assertThat(nightly.upcoming(berlin(2027, 3, 27, 12, 0), 2)).containsExactly(
                Instant.parse("2027-03-29T00:30:00Z"), Instant.parse("2027-03-30T00:30:00Z"));
        // 02:30 happens twice on 2027-10-31 (03:00 → 02:00): one run, at the first
        assertThat(nightly.upcoming(berlin(2027, 10, 31, 0, 0), 2)).containsExactly(
                Instant.parse("2027-10-31T00:30:00Z"), Instant.parse("2027-11-01T01:30:00Z"));
        // an hourly expression fires every real hour, both 02:00s included
        var hourly = ScheduleTimes.cron("0 * * * *", BERLIN);
        assertThat(hourly.upcoming(berlin(2027, 10, 31, 1, 30), 3)).containsExactly(
                Instant.parse("2027-10-31T00:00:00Z"), Instant.parse("2027-10-31T01:00:00Z"),
                Instant.parse("2027-10-31T02:00:00Z"));
    }

    @Test
    void anIntervalCountsFromItsAnchorStrictlyAfterTheGivenTime() {
        var anchor = Instant.parse("2027-01-01T00:00:00Z");
        var every = ScheduleTimes.every(Duration.ofMinutes(15), anchor);
        assertThat(every.next(anchor)).isEqualTo(Instant.parse("2027-01-01T00:15:00Z"));
        assertThat(every.next(Instant.parse("2027-01-01T00:44:59Z"))).isEqualTo(Instant.parse("2027-01-01T00:45:00Z"));
        assertThat(every.next(Instant.parse("2027-01-01T00:45:00Z"))).isEqualTo(Instant.parse("2027-01-01T01:00:00Z"));
        assertThat(every.next(Instant.parse("2026-12-31T00:00:00Z"))).isEqualTo(anchor);
    }

    @Test
    void badExpressionsAndZonesAreNamed() {
        assertThat(ScheduleTimes.cronProblem("61 * * * *")).get().asString().contains("61");
        assertThat(ScheduleTimes.cronProblem("* * *")).isPresent();
        assertThat(ScheduleTimes.cronProblem("0 9 * * MON-FRI")).isEmpty();
        assertThat(ScheduleTimes.zone("Mars/Olympus")).isEmpty();
        assertThat(ScheduleTimes.interval("15m")).contains(Duration.ofMinutes(15));
        assertThat(ScheduleTimes.interval("900")).contains(Duration.ofSeconds(900));
    }
}
