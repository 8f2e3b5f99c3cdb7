package dev.forge.gateway.grpc;

import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.core.auth.Role;
import dev.forge.gateway.security.ApiKeyService;
import dev.forge.gateway.security.Caller;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;

/** Verifies the caller of a gRPC method: UNAUTHENTICATED without a valid key, PERMISSION_DENIED for other roles. */
@ApplicationScoped
public class GrpcAuth {

    private final ApiKeyService keys;

    public GrpcAuth(ApiKeyService keys) {
        this.keys = keys;
    }

    /** Call at method entry (reads the current gRPC context), then chain the method's work on the result. */
    public Uni<Caller> require(String method, Role... admitted) {
        String header = GrpcAuthInterceptor.AUTHORIZATION_VALUE.get();
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return Uni.createFrom().failure(Status.UNAUTHENTICATED
                    .withDescription("'authorization: Bearer <api key>' metadata is required").asRuntimeException());
        }
        return keys.authenticate(header.substring(7).trim()).map(caller -> {
            if (caller.isEmpty()) {
                throw Status.UNAUTHENTICATED.withDescription("the API key is not valid or has been revoked")
                        .asRuntimeException();
            }
            if (Arrays.stream(admitted).noneMatch(r -> r == caller.get().role())) {
                throw Status.PERMISSION_DENIED.withDescription("role '" + caller.get().role().wireName()
                        + "' may not call " + method).asRuntimeException();
            }
            return caller.get();
        });
    }
}
