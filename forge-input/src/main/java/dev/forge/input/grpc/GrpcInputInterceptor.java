package dev.forge.input.grpc;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import dev.forge.input.InputRefused;
import dev.forge.input.JsonInput;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;

/**
 * Every request message of every gRPC method a service serves, checked by the REST rules before the method sees it:
 * the message as the JSON a REST client would send goes through {@link JsonInput#checked}, so a NUL in an id, a
 * filter or a name is INVALID_ARGUMENT naming the field (PostgreSQL refuses NUL in text: INTERNAL before), and so is
 * a NaN or infinite number. The byte limit is each service's REST body limit too
 * ({@code quarkus.grpc.server.max-inbound-message-size}: RESOURCE_EXHAUSTED above it).
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcInputInterceptor implements ServerInterceptor {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        var delegate = next.startCall(call, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                var problem = check(message);
                if (problem != null) {
                    refused = true;
                    call.close(Status.INVALID_ARGUMENT.withDescription(problem), new Metadata());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }

    /**
     * The path of a NaN or infinite number (a Struct's number_value may hold one; its JSON form would be the string
     * "NaN", which the JSON rules could no longer tell from text), or null.
     */
    private static String nonFinite(Message message, String path) {
        for (var field : message.getAllFields().entrySet()) {
            String name = field.getKey().getName();
            String here = path.isEmpty() ? name : path + "." + name;
            var values = field.getKey().isRepeated() ? (List<?>) field.getValue()
                    : List.of(field.getValue());
            for (Object value : values) {
                if (value instanceof Double d && !Double.isFinite(d)
                        || value instanceof Float f && !Float.isFinite(f)) {
                    return here;
                }
                if (value instanceof Message nested) {
                    String found = nonFinite(nested, here);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    /** Why the message is refused, or null. */
    static String check(Object message) {
        if (!(message instanceof Message proto)) {
            return null;
        }
        String nonFinite = nonFinite(proto, "");
        if (nonFinite != null) {
            return "'" + nonFinite + "' is a number out of range";
        }
        try {
            JsonInput.checked(MAPPER.readTree(PRINTER.print(proto)));
            return null;
        } catch (InputRefused p) {
            return p.describe();
        } catch (Exception e) {
            return "the request could not be read: " + e.getClass().getSimpleName();
        }
    }
}
