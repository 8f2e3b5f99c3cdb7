package dev.forge.cli.output;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;

/**
 * Proto messages as the JSON the REST API answers: snake_case names, every field present (scripts can rely on the
 * keys), an unset string as null rather than "".
 */
public final class Messages {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private Messages() {
    }

    public static ObjectNode json(MessageOrBuilder message) {
        try {
            var node = (ObjectNode) JSON.readTree(PRINTER.print(message));
            var blanks = new ArrayList<String>();
            node.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual() && e.getValue().asText().isEmpty()) {
                    blanks.add(e.getKey());
                }
            });
            blanks.forEach(name -> node.putNull(name));
            // proto3 JSON writes 64-bit integers as strings; the REST API writes numbers
            for (var field : message.getDescriptorForType().getFields()) {
                if (field.getJavaType() == FieldDescriptor.JavaType.LONG && !field.isRepeated()
                        && node.path(field.getName()).isTextual()) {
                    node.put(field.getName(), Long.parseLong(node.get(field.getName()).asText()));
                }
            }
            integral(node);
            return node;
        } catch (IOException e) {
            throw new IllegalStateException("cannot render " + message.getClass().getSimpleName(), e);
        }
    }

    /** Struct numbers are doubles; 2000.0 reads as 2000 (as the REST API writes it). */
    private static void integral(JsonNode node) {
        if (node instanceof ObjectNode object) {
            var names = new ArrayList<String>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                var value = object.get(name);
                if (value.isDouble() && isWhole(value.doubleValue())) {
                    object.put(name, (long) value.doubleValue());
                } else {
                    integral(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                var value = array.get(i);
                if (value.isDouble() && isWhole(value.doubleValue())) {
                    array.set(i, JSON.getNodeFactory().numberNode((long) value.doubleValue()));
                } else {
                    integral(value);
                }
            }
        }
    }

    private static boolean isWhole(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15;
    }

    public static List<JsonNode> list(List<? extends MessageOrBuilder> messages) {
        return messages.stream().map(m -> (JsonNode) json(m)).toList();
    }

    /** A protobuf Value (an event's data field, a run's output) as compact JSON text. */
    public static String text(MessageOrBuilder value) {
        try {
            return PRINTER.print(value);
        } catch (InvalidProtocolBufferException e) {
            return value.toString();
        }
    }

    /** Any JSON value as a protobuf Value (an answer to a waiting run). */
    public static Value value(JsonNode json) {
        var builder = Value.newBuilder();
        try {
            PARSER.merge(json.toString(), builder);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return builder.build();
    }

    /** A JSON object as a protobuf Struct (inputs, overrides, metadata). */
    public static Struct struct(JsonNode object) {
        var builder = Struct.newBuilder();
        try {
            PARSER.merge(object.toString(), builder);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return builder.build();
    }
}
