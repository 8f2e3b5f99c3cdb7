package dev.forge.cli.output;

import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/** One column of a table: its heading and how a row's cell is read from the resource's JSON. */
public record Column(String heading, Function<JsonNode, String> cell) {

    /** A field at a path of names ({@code "flow", "name"}); missing or null prints as "-". */
    public static Column of(String heading, String... path) {
        return new Column(heading, row -> {
            JsonNode node = row;
            for (String name : path) {
                node = node.path(name);
            }
            return Printer.text(node);
        });
    }
}
