package dev.forge.api.repository;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

/** Row-to-JSON helpers shared by the services' repositories. */
public final class Rows {

    private Rows() {
    }

    public static <T> List<T> list(RowSet<Row> rows, Function<Row, T> view) {
        var out = new ArrayList<T>(rows.size());
        rows.forEach(r -> out.add(view.apply(r)));
        return out;
    }

    public static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> view) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(view.apply(it.next())) : Optional.empty();
    }

    public static JsonNode json(Row row, String column) {
        return json(row.getString(column), column);
    }

    /** Stored JSON text (a jsonb column read as text, or an entity's JSON field) as a tree; null stays null. */
    public static JsonNode json(String text, String column) {
        if (text == null) {
            return null;
        }
        try {
            return JsonValues.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON in " + column + " is invalid", e);
        }
    }

    public static void time(ObjectNode node, String field, OffsetDateTime value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toInstant().toString());
        }
    }
}
