package dev.forge.gateway.grpc;

import java.util.ArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import dev.forge.core.json.JsonValues;

/**
 * Bridges gRPC messages and the REST layer's JSON: the proto fields carry the REST field names, so requests become
 * the same JSON bodies the REST services validate, and their JSON answers fill the proto messages.
 */
final class ProtoJson {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private ProtoJson() {
    }

    /** A request as a JSON body; unset fields (empty strings, zero) are left out, as a REST client would. */
    static ObjectNode body(Message request) {
        // the REST rules (NUL, non-finite numbers, depth) were applied to this message by GrpcInputInterceptor
        try {
            return (ObjectNode) JsonValues.MAPPER.readTree(PRINTER.print(request));
        } catch (Exception e) {
            throw new IllegalStateException("cannot render " + request.getDescriptorForType().getName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static <B extends Message.Builder> B fill(JsonNode json, B builder) {
        try {
            PARSER.merge(stripNulls(json).toString(), builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot map JSON to " + builder.getDescriptorForType().getName(), e);
        }
    }

    /** Proto3 has no null for strings: absent fields read as empty. */
    private static JsonNode stripNulls(JsonNode json) {
        if (json instanceof ObjectNode object) {
            var copy = object.deepCopy();
            var names = new ArrayList<String>();
            copy.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (copy.get(name).isNull()) {
                    copy.remove(name);
                }
            }
            return copy;
        }
        return json;
    }
}
