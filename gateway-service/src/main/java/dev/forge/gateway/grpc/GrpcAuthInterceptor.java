package dev.forge.gateway.grpc;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;

/**
 * Carries the {@code authorization} metadata into the call's context. Verification is asynchronous and happens in
 * {@link GrpcAuth} at the start of each method, so no key lookup ever blocks a gRPC thread.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcAuthInterceptor implements ServerInterceptor {

    static final Context.Key<String> AUTHORIZATION_VALUE = Context.key("forge-authorization");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String value = headers.get(AUTHORIZATION);
        if (value == null) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(AUTHORIZATION_VALUE, value), call, headers, next);
    }
}
