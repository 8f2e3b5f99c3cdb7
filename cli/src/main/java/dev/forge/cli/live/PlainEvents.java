package dev.forge.cli.live;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

import dev.forge.cli.output.Messages;
import dev.forge.cli.output.Printer;
import dev.forge.proto.agent.v1.RunEvent;
import picocli.CommandLine.Help.Ansi;

/**
 * A followed run as one line per event, for logs and pipes: time, what happened, the executor and its duration.
 * Token deltas are left out (the step's whole message follows as one event).
 */
public final class PlainEvents implements Consumer<RunEvent> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final PrintWriter out;
    private final Ansi ansi;

    public PlainEvents(PrintWriter out, Ansi ansi) {
        this.out = out;
        this.ansi = ansi;
    }

    @Override
    public void accept(RunEvent event) {
        if (event.getType().equals("message.delta")) {
            return;
        }
        out.println(ansi.string("@|faint " + time(event) + "|@ ") + describe(event));
        out.flush();
    }

    private String describe(RunEvent event) {
        var data = event.getData().getFieldsMap();
        String executor = data.containsKey("executor") ? data.get("executor").getStringValue() : "";
        return switch (event.getType()) {
            case "step.started" -> ansi.string("@|cyan ▸|@ ") + Printer.escape(executor) + " started (step "
                    + (long) data.get("step").getNumberValue() + ")";
            case "step.completed" -> ansi.string("@|green ✓|@ ") + Printer.escape(executor) + " "
                    + (data.containsKey("duration_ms") && data.get("duration_ms").hasNumberValue()
                            ? (long) data.get("duration_ms").getNumberValue() + " ms" : "done")
                    + (data.containsKey("output") ? "  " + Printer.escape(oneLine(data.get("output")
                            .getStringValue())) : "");
            case "message" -> "message from " + Printer.escape(executor) + ": "
                    + Printer.escape(oneLine(data.get("text").getStringValue()));
            case "run.succeeded" -> ansi.string("@|bold,green run succeeded|@");
            case "run.failed", "run.timed_out", "run.cancelled" -> ansi.string("@|bold,red "
                    + event.getType().replace("run.", "run ").replace('_', ' ') + "|@")
                    + (data.containsKey("error") ? "  " + Printer.escape(oneLine(Messages.text(data.get("error"))))
                            : "");
            case "run.interrupted" -> ansi.string("@|yellow ⏸|@ waiting for a person at ")
                    + Printer.escape(executor) + (data.containsKey("question")
                            ? ": " + Printer.escape(data.get("question").getStringValue()) : "");
            default -> event.getType();
        };
    }

    private static String time(RunEvent event) {
        try {
            return TIME.format(Instant.parse(event.getCreatedAt()));
        } catch (RuntimeException e) {
            return event.getCreatedAt();
        }
    }

    static String oneLine(String text) {
        String line = text.replace('\n', ' ').strip();
        return line.length() <= 160 ? line : line.substring(0, 159) + "…";
    }
}
