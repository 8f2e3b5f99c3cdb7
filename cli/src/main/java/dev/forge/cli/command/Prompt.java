package dev.forge.cli.command;

import java.io.IOException;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.TerminalBuilder;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Value;

import dev.forge.cli.CliException;
import dev.forge.cli.ExitCodes;
import dev.forge.cli.Session;
import dev.forge.cli.output.Messages;
import dev.forge.cli.output.Printer;
import dev.forge.proto.agent.v1.Run;

/**
 * Asks a person at the terminal for a waiting run's answer: shows the question and the answer's schema, reads a line
 * with JLine's line editor. JSON is taken as JSON, anything else as a string; an empty line answers nothing (a go-ahead
 * for a stop before or after an executor).
 */
final class Prompt {

    private Prompt() {
    }

    static Value answer(Session session, Run run) {
        var interrupt = Messages.json(run).path("interrupt");
        var out = session.printer().out();
        var ansi = session.ansi();
        out.println(ansi.string("@|bold,yellow ⏸ Run " + run.getId() + " waits for you|@ at "
                + Printer.escape(interrupt.path("executor").asText("?")) + " (" + interrupt.path("kind").asText("")
                + ")"));
        if (interrupt.hasNonNull("question")) {
            out.println("  " + Printer.escape(interrupt.path("question").asText()));
        }
        if (interrupt.hasNonNull("schema")) {
            out.println(ansi.string("@|faint   answer schema: " + Printer.escape(interrupt.get("schema").toString())
                    + "|@"));
        }
        out.flush();
        String line;
        try (var terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            var reader = LineReaderBuilder.builder().terminal(terminal).build();
            line = reader.readLine("answer> ");
        } catch (UserInterruptException | EndOfFileException e) {
            throw new CliException(ExitCodes.FAILED, "no answer given; answer later with 'forge runs resume "
                    + run.getId() + " --value …'");
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read the answer: " + e.getMessage());
        }
        if (line == null || line.isBlank()) {
            return null;
        }
        return Messages.value(parse(line.trim()));
    }

    private static JsonNode parse(String line) {
        try {
            return Messages.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(line);
        } catch (IOException e) {
            return Messages.JSON.getNodeFactory().textNode(line);
        }
    }
}
