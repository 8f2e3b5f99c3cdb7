package dev.forge.input.rest;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.input.InputRefused;
import dev.forge.input.JsonInput;

/**
 * Reads every JSON request body a resource takes as a tree through {@link JsonInput}, in place of the Jackson
 * provider's lenient reader (which accepts trailing data, duplicate keys, overlong UTF-8 and lone surrogates). The
 * HTTP server's body limit has already bounded the bytes.
 */
@Provider
@Consumes({ MediaType.APPLICATION_JSON, "application/*+json", "text/json" })
@Priority(Priorities.USER - 100)
public class StrictJsonReader implements MessageBodyReader<JsonNode> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return JsonNode.class.isAssignableFrom(type);
    }

    @Override
    public JsonNode readFrom(Class<JsonNode> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, String> httpHeaders, InputStream entityStream) throws IOException {
        JsonNode node = JsonInput.body(entityStream.readAllBytes());
        if (node != null && !type.isInstance(node)) {
            throw InputRefused.invalid("request body must be a JSON object, not "
                    + node.getNodeType().name().toLowerCase());
        }
        return node;
    }
}
