package dev.forge.skill;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One loaded skill: what its SKILL.md declares, where it came from and which content version it is. Immutable; a
 * reload makes a new instance with a new version, and earlier versions stay retrievable for runs that pinned them.
 */
public record Skill(String name, String title, String description, List<String> triggers, List<String> tools,
        List<Parameter> parameters, Source source, String path, String version, Map<String, String> metadata,
        Instant loadedAt) {

    public Skill {
        triggers = List.copyOf(triggers);
        tools = List.copyOf(tools);
        parameters = List.copyOf(parameters);
        metadata = Map.copyOf(metadata);
    }

    /** A declared parameter; without a default it is required. */
    public record Parameter(String name, String description, Optional<String> defaultValue) {
    }

    /** Where a skill lives: shipped with Forge, or the operators' workspace (which wins on a clash). */
    public enum Source {
        SYSTEM, WORKSPACE;

        public String label() {
            return name().toLowerCase();
        }
    }

    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
