package dev.forge.worker.client;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.core.flow.SkillBinding;
import dev.forge.discovery.client.SkillResolver;
import io.smallrye.mutiny.Uni;

/**
 * Resolves a run's slash command when the run starts. Refusals are final ({@link SkillResolver.SkillRefused}); an
 * unreachable skill-service is retried with backoff (about 7 s in all) before giving up.
 */
@ApplicationScoped
public class SkillClient {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final SkillResolver resolver;

    public SkillClient(SkillResolver resolver) {
        this.resolver = resolver;
    }

    /** The skill the command line routes to, pinned at the version skill-service has loaded now. */
    public Uni<SkillBinding> resolve(String commandLine) {
        return resolver.resolve(commandLine, CALL_TIMEOUT)
                .onFailure(e -> !(e instanceof SkillResolver.SkillRefused)).retry()
                .withBackOff(Duration.ofMillis(250), Duration.ofSeconds(2)).atMost(4)
                .map(answer -> {
                    var skill = answer.getSkill();
                    return new SkillBinding(skill.getName(), skill.getVersion(), answer.getCommand(),
                            List.copyOf(answer.getToolsList()), answer.getParametersMap(), answer.getText());
                });
    }
}
