package dev.forge.cli.command;

import java.time.LocalTime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;
import dev.forge.cli.live.InPlace;
import dev.forge.cli.live.Terminals;
import dev.forge.cli.output.Messages;
import dev.forge.cli.output.OutputFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "watch", description = "Recent runs as a table refreshing in place (Ctrl-C to stop); printed once "
        + "when not in a terminal")
final class WatchCommand extends Base implements Runnable {

    @Option(names = "--status", description = "Only runs with this status")
    String status;

    @Option(names = "--limit", defaultValue = "20", description = "How many runs (default 20)")
    int limit;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1", description = "Refresh every (default 1)")
    double interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Stop after N refreshes (0: never)")
    int count;

    @Override
    public void run() {
        var session = session();
        if (interval < 0.2) {
            throw new CliException(ExitCodes.USAGE, "--interval must be at least 0.2 seconds");
        }
        if (!Terminals.isTerminal() || session.printer().format() != OutputFormat.table) {
            session.printer().list(Messages.list(RunsCommand.list(session, null, status, limit)), RunView.COLUMNS);
            return;
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            var screen = new InPlace(terminal);
            boolean color = session.ansi().enabled();
            for (int round = 1; count == 0 || round <= count; round++) {
                var runs = Messages.list(RunsCommand.list(session, null, status, limit));
                screen.draw(table(runs, screen.width(), color));
                Thread.sleep((long) (interval * 1000));
            }
            screen.leave();
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "no terminal: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The heading, one line per run, a status count; each cut to the terminal's width. */
    static List<AttributedString> table(List<JsonNode> runs, int width, boolean color) {
        var columns = RunView.COLUMNS;
        var cells = new ArrayList<List<String>>();
        for (var run : runs) {
            cells.add(columns.stream().map(c -> c.cell().apply(run)).toList());
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = columns.get(i).heading().length();
            for (var row : cells) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        var lines = new ArrayList<AttributedString>();
        var heading = new AttributedStringBuilder().style(color ? AttributedStyle.BOLD : AttributedStyle.DEFAULT);
        for (int i = 0; i < widths.length; i++) {
            heading.append(pad(columns.get(i).heading(), widths[i]));
        }
        lines.add(heading.toAttributedString().columnSubSequence(0, width - 1));
        for (var row : cells) {
            var line = new AttributedStringBuilder();
            for (int i = 0; i < widths.length; i++) {
                boolean statusColumn = columns.get(i).heading().equals("STATUS");
                line.style(color && statusColumn ? statusStyle(row.get(i)) : AttributedStyle.DEFAULT)
                        .append(pad(row.get(i), widths[i])).style(AttributedStyle.DEFAULT);
            }
            lines.add(line.toAttributedString().columnSubSequence(0, width - 1));
        }
        lines.add(new AttributedStringBuilder().style(color ? AttributedStyle.DEFAULT.faint() : AttributedStyle.DEFAULT)
                .append(runs.size() + " runs · " + LocalTime.now().withNano(0) + " · Ctrl-C to stop")
                .toAttributedString());
        return lines;
    }

    private static AttributedStyle statusStyle(String status) {
        return switch (status) {
            case "succeeded" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            case "failed", "timed_out", "cancelled" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
            case "interrupted" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
            default -> AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
        };
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length() + 2);
    }
}
