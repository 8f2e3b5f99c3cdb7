package dev.forge.gateway.grpc;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.api.security.AuthProblem;
import dev.forge.api.security.Authenticator;
import dev.forge.api.security.Caller;
import dev.forge.core.auth.Role;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;

/** Verifies the caller of a gRPC method: UNAUTHENTICATED without a valid key, PERMISSION_DENIED for other roles. */
@ApplicationScoped
public class GrpcAuth {

    private final Authenticator authenticator;

    public GrpcAuth(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** Call at method entry (reads the current gRPC context), then chain the method's work on the result. */
    public Uni<Caller> require(String method, Role... admitted) {
        return authenticator.require(GrpcAuthInterceptor.AUTHORIZATION_VALUE.get(), "call " + method, admitted)
                .onFailure(AuthProblem.class).transform(f -> (((AuthProblem) f).forbidden() ? Status.PERMISSION_DENIED
                        : Status.UNAUTHENTICATED).withDescription(f.getMessage()).asRuntimeException());
    }
}
