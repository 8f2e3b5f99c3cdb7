package dev.forge.gateway.client;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.flow.SlashCommands;
import dev.forge.gateway.service.ApiProblem;
import dev.forge.proto.skill.v1.ResolveRequest;
import dev.forge.proto.skill.v1.SkillService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Checks a run's slash command with skill-service (through Stork) before the run is accepted, so an unknown command
 * or a bad parameter is a 422 now rather than a failed run later. When skill-service cannot be reached the run is
 * accepted: the worker resolves the command when the run starts, and fails the run then if it must.
 */
@ApplicationScoped
public class SkillCommands {

    private static final Logger LOG = Logger.getLogger(SkillCommands.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final SkillService skills;

    public SkillCommands(@GrpcClient("skills") SkillService skills) {
        this.skills = skills;
    }

    public Uni<Void> check(JsonNode input) {
        var command = SlashCommands.in(input);
        if (command.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return skills.resolve(ResolveRequest.newBuilder().setInput(command.get()).build())
                .ifNoItem().after(CHECK_TIMEOUT).fail()
                .onFailure(SkillCommands::refusal).transform(e -> {
                    String detail = ((StatusRuntimeException) e).getStatus().getDescription();
                    return new ApiProblem(422, "skill-refused", "Slash command refused", detail, List.of(detail));
                })
                .onFailure(e -> !(e instanceof ApiProblem)).recoverWithItem(e -> {
                    LOG.debugf("skill-service not reached to check %s (the worker resolves it): %s",
                            command.get().split("\\s", 2)[0], e.getMessage());
                    return null;
                })
                .replaceWithVoid();
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
