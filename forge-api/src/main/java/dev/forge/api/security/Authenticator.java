package dev.forge.api.security;

import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.core.auth.Role;
import io.smallrye.mutiny.Uni;

/** Turns an Authorization header into a caller admitted to an action, for REST, SSE routes and gRPC alike. */
@ApplicationScoped
public class Authenticator {

    private final ApiKeyService keys;

    public Authenticator(ApiKeyService keys) {
        this.keys = keys;
    }

    /** Fails with {@link AuthProblem} when the header holds no live key or the key's role is not admitted. */
    public Uni<Caller> require(String authorization, String action, Role... admitted) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.length() <= 7) {
            return Uni.createFrom().failure(new AuthProblem(false,
                    "an 'Authorization: Bearer <api key>' header is required"));
        }
        return keys.authenticate(authorization.substring(7).trim()).map(caller -> {
            if (caller.isEmpty()) {
                throw new AuthProblem(false, "the API key is not valid or has been revoked");
            }
            if (Arrays.stream(admitted).noneMatch(r -> r == caller.get().role())) {
                throw new AuthProblem(true, "role '" + caller.get().role().wireName() + "' may not " + action
                        + (admitted.length == 0 ? "" : " (admitted: " + Arrays.stream(admitted).map(Role::wireName)
                                .toList() + ")"));
            }
            return caller.get();
        });
    }
}
