package dev.forge.cli.command;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.cli.output.Column;
import dev.forge.cli.output.Printer;

/** How runs print: the list's columns, one run's fields, its result. */
final class RunView {

    static final List<Column> COLUMNS = List.of(Column.of("ID", "id"), Column.of("STATUS", "status"),
            Column.of("FLOW", "flow", "name"), Column.of("STEP", "current_step"),
            new Column("DURATION", r -> duration(r)), new Column("CREATED", r -> Printer.time(r.path("created_at"))));

    static final List<Column> FIELDS = List.of(Column.of("id", "id"), Column.of("status", "status"),
            Column.of("assistant", "assistant_id"), Column.of("session", "session_id"),
            new Column("flow", r -> Printer.text(r.path("flow").path("name")) + " "
                    + Printer.text(r.path("flow").path("version"))),
            new Column("route", r -> Printer.text(r.path("route")).replace(", ", " → ")),
            Column.of("step", "step_index"), Column.of("attempt", "attempt"),
            new Column("created", r -> Printer.time(r.path("created_at"))),
            new Column("started", r -> Printer.time(r.path("started_at"))),
            new Column("finished", r -> Printer.time(r.path("finished_at"))),
            new Column("duration", RunView::duration), Column.of("parent", "parent_run_id"),
            Column.of("input", "input"),
            new Column("files", r -> r.path("artifacts").isEmpty() ? "-" : String.join(", ",
                    r.path("artifacts").findValuesAsText("name"))),
            Column.of("error", "error"), Column.of("waiting", "interrupt"),
            new Column("output", r -> result(r.path("output"))));

    private RunView() {
    }

    static String duration(JsonNode run) {
        var ms = run.path("duration_ms");
        return ms.isNumber() && ms.asLong() > 0 ? ms.asLong() + " ms" : "-";
    }

    /** A text output as it is, anything else as JSON. */
    static String result(JsonNode output) {
        if (output == null || output.isNull() || output.isMissingNode()) {
            return "-";
        }
        return output.isTextual() ? output.asText() : output.toPrettyString();
    }
}
