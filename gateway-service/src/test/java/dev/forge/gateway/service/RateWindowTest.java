package dev.forge.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sliding minute a rate limit counts over, and the wait it answers in Retry-After. */
class RateWindowTest {

    @Test
    void thePreviousMinuteCountsAsMuchAsStillLiesWithinTheLastSixtySeconds() {
        // 10 a minute: 8 in the previous minute, 15 s into this one: 8 × 0.75 = 6, + 3 now = 9, one more fits
        assertThat(RateWindow.admits(3, 8, 15_000, 10)).isTrue();
        assertThat(RateWindow.admits(4, 8, 15_000, 10)).isFalse();
        // at the very start of a minute the whole previous one counts
        assertThat(RateWindow.admits(0, 10, 0, 10)).isFalse();
        assertThat(RateWindow.admits(0, 0, 59_999, 1)).isTrue();
    }

    @Test
    void theWaitIsUntilOneMoreFits() {
        assertThat(RateWindow.waitMillis(3, 8, 15_000, 10)).isZero();
        // 4 now, 8 before, 10 a minute: 8 × w + 5 ≤ 10 once w ≤ 0.625, i.e. 22.5 s into the minute: 7.5 s from 15 s
        assertThat(RateWindow.waitMillis(4, 8, 15_000, 10)).isEqualTo(7_500);
        // the current minute alone is full: into the next minute, until enough of this one slid out
        // (10 now, limit 10: 10 × (1 − t / 60 s) + 1 ≤ 10 → t ≥ 6 s after the 30 s left here)
        assertThat(RateWindow.waitMillis(10, 0, 30_000, 10)).isEqualTo(36_000);
        // a limit of one: a whole minute after the one run
        assertThat(RateWindow.waitMillis(1, 0, 0, 1)).isEqualTo(120_000);
    }
}
