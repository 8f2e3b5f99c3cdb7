package dev.forge.cli.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import dev.forge.proto.agent.v1.RunEvent;

/**
 * A followed run redrawn in place in the terminal ({@link InPlace}): a header with the run's status and time, each executor as a line with a
 * spinner and its elapsed time, then ✓ or ✗ and its duration, and under the running step the last line the model
 * streamed. Ten frames a second.
 */
public final class LiveDisplay implements Consumer<RunEvent>, AutoCloseable {

    private static final String[] UNICODE_SPINNER = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };
    private static final String[] ASCII_SPINNER = { "|", "/", "-", "\\" };

    private final Terminal terminal;
    private final InPlace screen;
    private final RunProgress progress;
    private final boolean color;
    private final boolean unicode;
    private final ScheduledExecutorService ticker;
    private int frame;

    private LiveDisplay(Terminal terminal, RunProgress progress, boolean color) {
        this.terminal = terminal;
        this.progress = progress;
        this.color = color;
        this.unicode = StandardCharsets.UTF_8.equals(terminal.encoding());
        this.screen = new InPlace(terminal);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            var thread = new Thread(r, "forge-live-display");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The display on this process's terminal, or null when there is no real one (a dumb terminal, no tty). */
    public static LiveDisplay open(String runId, boolean color) {
        Terminal terminal;
        try {
            terminal = TerminalBuilder.builder().system(true).dumb(true).build();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
            close(terminal);
            return null;
        }
        var live = new LiveDisplay(terminal, new RunProgress(runId, System.currentTimeMillis()), color);
        live.ticker.scheduleAtFixedRate(live::draw, 0, 100, TimeUnit.MILLISECONDS);
        return live;
    }

    @Override
    public void accept(RunEvent event) {
        progress.apply(event, System.currentTimeMillis());
    }

    /** Stops redrawing; the last frame stays on screen with the cursor below it. Call before printing anything. */
    public void pause() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw();
        screen.leave();
    }

    @Override
    public void close() {
        if (!ticker.isShutdown()) {
            pause();
        }
        close(terminal);
    }

    private static void close(Terminal terminal) {
        try {
            terminal.close();
        } catch (IOException e) {
            // closing a terminal we only wrote to
        }
    }

    private synchronized void draw() {
        screen.draw(lines(progress.snapshot(), System.currentTimeMillis(), screen.width()));
        frame++;
    }

    List<AttributedString> lines(RunProgress.Snapshot run, long now, int width) {
        var lines = new ArrayList<AttributedString>();
        var header = new AttributedStringBuilder().style(style(AttributedStyle.BOLD)).append("run ")
                .append(run.runId()).style(AttributedStyle.DEFAULT).append("  ")
                .style(statusStyle(run.status())).append(run.status()).style(AttributedStyle.DEFAULT)
                .append("  ").append(seconds(run.elapsed(now)));
        lines.add(header.toAttributedString());
        for (var step : run.steps()) {
            var line = new AttributedStringBuilder().append("  ");
            if (step.running()) {
                String[] spinner = unicode ? UNICODE_SPINNER : ASCII_SPINNER;
                boolean waiting = "interrupted".equals(run.status()) && step.executor().equals(run.waitingFor());
                line.style(style(AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN)))
                        .append(waiting ? (unicode ? "⏸" : "=") : spinner[frame % spinner.length])
                        .style(AttributedStyle.DEFAULT).append(" ").append(step.executor()).append("  ")
                        .style(style(AttributedStyle.DEFAULT.faint()))
                        .append(waiting ? "waiting for input" : seconds(now - step.startedAtMillis()));
            } else {
                line.style(style(AttributedStyle.DEFAULT.foreground(step.failed() ? AttributedStyle.RED
                        : AttributedStyle.GREEN))).append(step.failed() ? (unicode ? "✗" : "x") : (unicode ? "✓" : "v"))
                        .style(AttributedStyle.DEFAULT).append(" ").append(step.executor()).append("  ")
                        .style(style(AttributedStyle.DEFAULT.faint())).append(millis(step.durationMs()));
            }
            lines.add(line.toAttributedString().columnSubSequence(0, width - 1));
            if (step.running() && !step.streamed().isBlank()) {
                String text = lastLine(step.streamed());
                int room = Math.max(10, width - 7);
                if (text.length() > room) {
                    text = "…" + text.substring(text.length() - room + 1);
                }
                lines.add(new AttributedStringBuilder().append("      ").style(style(AttributedStyle.DEFAULT.faint()))
                        .append(text).toAttributedString());
            }
        }
        return lines;
    }

    private AttributedStyle style(AttributedStyle style) {
        return color ? style : AttributedStyle.DEFAULT;
    }

    private AttributedStyle statusStyle(String status) {
        return style(switch (status) {
            case "succeeded" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN).bold();
            case "failed", "timed_out", "cancelled" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold();
            case "interrupted" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW).bold();
            default -> AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
        });
    }

    private static String lastLine(String text) {
        String trimmed = text.stripTrailing();
        int newline = trimmed.lastIndexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(newline + 1);
    }

    static String seconds(long millis) {
        return String.format("%.1fs", millis / 1000.0);
    }

    static String millis(long millis) {
        return millis < 1000 ? millis + " ms" : seconds(millis);
    }
}
