package dev.forge.gateway.client;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.core.flow.SlashCommands;
import dev.forge.discovery.client.SkillResolver;
import io.smallrye.mutiny.Uni;

/**
 * Checks a run's slash command with skill-service (through Stork) before the run is accepted, so an unknown command
 * or a bad parameter is a 422 now rather than a failed run later. When skill-service cannot be reached the run is
 * accepted: the worker resolves the command when the run starts, and fails the run then if it must.
 */
@ApplicationScoped
public class SkillCommands {

    private static final Logger LOG = Logger.getLogger(SkillCommands.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final SkillResolver resolver;

    public SkillCommands(SkillResolver resolver) {
        this.resolver = resolver;
    }

    public Uni<Void> check(JsonNode input) {
        var command = SlashCommands.in(input);
        if (command.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return resolver.resolve(command.get(), CHECK_TIMEOUT)
                .onFailure(SkillResolver.SkillRefused.class).transform(e -> new ApiProblem(422, "skill-refused",
                        "Slash command refused", e.getMessage(), List.of(e.getMessage())))
                .onFailure(e -> !(e instanceof ApiProblem)).recoverWithItem(e -> {
                    LOG.debugf("skill-service not reached to check %s (the worker resolves it): %s",
                            command.get().split("\\s", 2)[0], e.getMessage());
                    return null;
                })
                .replaceWithVoid();
    }
}
