package dev.forge.worker.client;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.core.flow.SkillBinding;
import dev.forge.proto.skill.v1.ResolveRequest;
import dev.forge.proto.skill.v1.SkillService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;

/**
 * Resolves a run's slash command with skill-service, found through Stork ({@code stork://skill-service}: a static
 * list or Consul's catalog by profile). Refusals (unknown command, bad parameters, a skill switched off) are final;
 * an unreachable service is retried with backoff before giving up.
 */
@ApplicationScoped
public class SkillClient {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    /** skill-service refused the command: the run cannot start with it. */
    public static final class SkillRefused extends RuntimeException {
        public SkillRefused(String message) {
            super(message, null, false, false);
        }
    }

    private final SkillService skills;

    public SkillClient(@GrpcClient("skills") SkillService skills) {
        this.skills = skills;
    }

    /** The skill the command line routes to, pinned at the version skill-service has loaded now. */
    public Uni<SkillBinding> resolve(String commandLine) {
        return Uni.createFrom().deferred(() -> skills.resolve(ResolveRequest.newBuilder().setInput(commandLine)
                        .build()))
                .ifNoItem().after(CALL_TIMEOUT).fail()
                .onFailure(SkillClient::refusal).transform(e -> new SkillRefused(
                        ((StatusRuntimeException) e).getStatus().getDescription()))
                .onFailure(e -> !(e instanceof SkillRefused)).retry()
                .withBackOff(Duration.ofMillis(250), Duration.ofSeconds(2)).atMost(4)
                .map(answer -> {
                    if (!answer.getMatched()) {
                        throw new SkillRefused("'" + commandLine + "' is not a slash command");
                    }
                    var skill = answer.getSkill();
                    return new SkillBinding(skill.getName(), skill.getVersion(), answer.getCommand(),
                            List.copyOf(answer.getToolsList()), answer.getParametersMap(), answer.getText());
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
