package dev.forge.cli.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.cli.client.Rest;
import dev.forge.cli.output.OutputFormat;
import dev.forge.cli.output.Printer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "logs", description = "Shipped service logs from infra-monitor: a run's, a service's; --follow for "
        + "new ones as they arrive")
public final class LogsCommand extends Base implements Runnable {

    @Option(names = "--run", paramLabel = "ID", description = "Only records of this run")
    String run;

    @Option(names = "--service", description = "Only this service's (gateway-service, worker-service, …)")
    String service;

    @Option(names = "--level", description = "Minimum level: TRACE, DEBUG, INFO, WARN, ERROR")
    String level;

    @Option(names = "--grep", paramLabel = "TEXT", description = "Only records whose message contains this")
    String text;

    @Option(names = "--limit", defaultValue = "100", description = "How many past records (default 100)")
    int limit;

    @Option(names = { "-f", "--follow" }, description = "Then keep printing new records (Ctrl-C to stop)")
    boolean follow;

    @Override
    public void run() {
        var session = session();
        var monitor = session.monitor();
        var query = new LinkedHashMap<String, Object>();
        query.put("run_id", run);
        query.put("service", service);
        query.put("level", level);
        query.put("q", text);
        var printer = session.printer();
        var history = new ArrayList<JsonNode>();
        var pastQuery = new LinkedHashMap<>(query);
        pastQuery.put("limit", limit);
        monitor.get(Rest.path("/v1/logs", pastQuery)).forEach(history::add);
        // newest first from the API; oldest first on screen, like tail
        Collections.reverse(history);
        history.forEach(record -> print(printer, record));
        if (!follow) {
            return;
        }
        String last = history.isEmpty() ? null : history.get(history.size() - 1).path("id").asText();
        monitor.events(Rest.path("/v1/logs/stream", query), last, (id, data) -> print(printer, Rest.parse(data)));
    }

    static void print(Printer printer, JsonNode record) {
        if (printer.format() != OutputFormat.table) {
            printer.record(record);
            return;
        }
        String level = record.path("level").asText();
        String style = switch (level) {
            case "ERROR" -> "red";
            case "WARN" -> "yellow";
            default -> "faint";
        };
        printer.out().println(printer.ansi().string("@|faint " + Printer.time(record.path("logged_at")) + "|@ @|"
                + style + " " + String.format("%-5s", level) + "|@ ") + Printer.escape(record.path("service")
                        .asText() + "  " + record.path("message").asText()));
        printer.out().flush();
    }
}
