package dev.forge.cli.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.cli.client.Rest;
import dev.forge.cli.output.Column;
import dev.forge.cli.output.OutputFormat;
import dev.forge.cli.output.Printer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "capacity", description = "Worker slots in use and free, per gateway and worker "
        + "(from infra-monitor)")
public final class CapacityCommand extends Base implements Runnable {

    @Option(names = "--gateway", paramLabel = "ID", description = "One monitored gateway")
    String gateway;

    @Override
    public void run() {
        var session = session();
        var capacity = session.monitor().get(Rest.path("/v1/capacity",
                Collections.singletonMap("gateway", gateway)));
        var printer = session.printer();
        if (printer.format() != OutputFormat.table) {
            printer.structured(capacity);
            return;
        }
        printer.object(capacity, List.of(Column.of("gateways", "connected_gateways"),
                Column.of("slots", "total_capacity"), Column.of("in use", "used"), Column.of("free", "available"),
                new Column("utilization", c -> Printer.text(c.path("utilization_percent")) + " %"),
                Column.of("health", "health")));
        var rows = new ArrayList<JsonNode>();
        for (var g : capacity.path("gateways")) {
            for (var slot : g.path("capacity").path("slots")) {
                var row = slot.deepCopy();
                ((ObjectNode) row).set("gateway", g.path("gateway_id"));
                rows.add(row);
            }
        }
        printer.out().println();
        printer.list(rows, List.of(Column.of("GATEWAY", "gateway"), Column.of("WORKER", "name"),
                Column.of("SLOTS", "capacity"), Column.of("IN USE", "used"), Column.of("FREE", "available"),
                new Column("UTILIZATION", s -> Printer.text(s.path("utilization_percent")) + " %"),
                Column.of("HEALTH", "health")));
    }
}
