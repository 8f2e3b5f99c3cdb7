package dev.forge.cli.live;

/** One executor's step as the live display shows it: running with its streamed text, or done with its duration. */
final class StepLine {

    final String executor;
    final int step;
    final long startedAtMillis;
    /** -1 while running */
    long durationMs = -1;
    boolean failed;
    final StringBuilder streamed = new StringBuilder();

    StepLine(String executor, int step, long startedAtMillis) {
        this.executor = executor;
        this.step = step;
        this.startedAtMillis = startedAtMillis;
    }

    boolean running() {
        return durationMs < 0;
    }
}
