package dev.forge.gateway.repository;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.json.JsonValues;
import io.vertx.mutiny.sqlclient.Row;

/** Row-to-JSON helpers shared by the gateway's repositories. */
final class Rows {

    private Rows() {
    }

    static JsonNode json(Row row, String column) {
        String text = row.getString(column);
        if (text == null) {
            return null;
        }
        try {
            return JsonValues.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON in " + column + " is invalid", e);
        }
    }

    static void time(ObjectNode node, String field, OffsetDateTime value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toInstant().toString());
        }
    }
}
