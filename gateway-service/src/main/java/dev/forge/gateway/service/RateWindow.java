package dev.forge.gateway.service;

/**
 * A sliding one-minute window, approximated from two fixed ones (the current minute's count, and the previous
 * minute's weighted by how much of it still lies within the last 60 s): what a rate limit counts, and how long until
 * one more run fits. Pure arithmetic, so the edge cases are tested without a clock.
 */
public final class RateWindow {

    public static final long WINDOW_MILLIS = 60_000;

    private RateWindow() {
    }

    /** The share of the previous window still inside the sliding one, {@code elapsed} ms into the current. */
    public static double previousWeight(long elapsedMillis) {
        return 1.0 - (double) elapsedMillis / WINDOW_MILLIS;
    }

    /** Would one more run stay within {@code limit}? */
    public static boolean admits(long current, long previous, long elapsedMillis, long limit) {
        return previous * previousWeight(elapsedMillis) + current + 1 <= limit;
    }

    /**
     * Milliseconds until one more run fits, if nothing else is counted meanwhile: first while the previous window
     * slides out of the current one, else in the next window as this one slides out.
     */
    public static long waitMillis(long current, long previous, long elapsedMillis, long limit) {
        if (admits(current, previous, elapsedMillis, limit)) {
            return 0;
        }
        long remaining = WINDOW_MILLIS - elapsedMillis;
        if (previous > 0 && current + 1 <= limit) {
            // previous × (1 − (elapsed + t) / 60 s) + current + 1 ≤ limit
            double t = WINDOW_MILLIS * (1.0 - (double) (limit - current - 1) / previous) - elapsedMillis;
            if (t <= remaining) {
                return Math.max(1, (long) Math.ceil(t));
            }
        }
        // in the next window the current count is the previous one: current × (1 − t' / 60 s) + 1 ≤ limit
        double next = current == 0 ? 0 : WINDOW_MILLIS * (1.0 - (double) (limit - 1) / current);
        return remaining + Math.max(0, (long) Math.ceil(next));
    }
}
