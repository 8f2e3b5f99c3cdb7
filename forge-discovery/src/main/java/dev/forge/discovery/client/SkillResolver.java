package dev.forge.discovery.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.proto.skill.v1.ResolveRequest;
import dev.forge.proto.skill.v1.ResolveResponse;
import dev.forge.proto.skill.v1.MutinySkillServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;

/**
 * skill-service's Resolve over gRPC, found through Stork under the logical name skill-service (a static list or
 * Consul's catalog, by profile). What the gateway and the workers share: a command skill-service refuses — no such
 * skill, bad parameters, a skill switched off — fails with {@link SkillRefused}; anything else (unreachable, too slow)
 * fails as it came, for the caller to retry or let pass.
 */
@ApplicationScoped
public class SkillResolver {

    /** skill-service answered: this command cannot resolve. */
    public static final class SkillRefused extends RuntimeException {
        public SkillRefused(String message) {
            super(message, null, false, false);
        }
    }

    private final MutinySkillServiceGrpc.MutinySkillServiceStub skills;

    public SkillResolver(@GrpcClient("skills") MutinySkillServiceGrpc.MutinySkillServiceStub skills) {
        this.skills = skills;
    }

    /** The resolution of a slash command line; a line skill-service does not see as a command is refused too. */
    public Uni<ResolveResponse> resolve(String commandLine, Duration timeout) {
        // the deadline bounds the whole call, connecting included; wait-for-ready lets a transport that is still
        // connecting wait within it rather than fail at once
        return Uni.createFrom().deferred(() -> skills.withWaitForReady()
                        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .resolve(ResolveRequest.newBuilder().setInput(commandLine).build()))
                .ifNoItem().after(timeout.plusSeconds(1)).fail()
                .onFailure(SkillResolver::refusal).transform(e -> new SkillRefused(
                        ((StatusRuntimeException) e).getStatus().getDescription()))
                .invoke(answer -> {
                    if (!answer.getMatched()) {
                        throw new SkillRefused("'" + commandLine + "' is not a slash command");
                    }
                });
    }

    private static boolean refusal(Throwable e) {
        if (!(e instanceof StatusRuntimeException s)) {
            return false;
        }
        var code = s.getStatus().getCode();
        return code == Status.Code.NOT_FOUND || code == Status.Code.INVALID_ARGUMENT
                || code == Status.Code.FAILED_PRECONDITION;
    }
}
