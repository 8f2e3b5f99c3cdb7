package dev.forge.core.flow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A skill as one run uses it, resolved from the slash command its input started with: the skill's name and content
 * version, its tool bindings and the command's parameters (defaults filled in). Kept in the run's checkpoints, so a
 * resumed or replayed run uses the version it started with whatever the skill files say by then.
 *
 * @param text the words of the command that were not parameters
 */
// pinned in checkpoints and read back by Jackson through reflection: registered for native images
@RegisterForReflection
public record SkillBinding(String name, String version, String command, List<String> tools,
        Map<String, String> parameters, String text) {

    public SkillBinding(@JsonProperty("name") String name, @JsonProperty("version") String version,
            @JsonProperty("command") String command, @JsonProperty("tools") List<String> tools,
            @JsonProperty("parameters") Map<String, String> parameters, @JsonProperty("text") String text) {
        this.name = name;
        this.version = version;
        this.command = command;
        this.tools = tools == null ? List.of() : List.copyOf(tools);
        this.parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(
                new LinkedHashMap<>(parameters));
        this.text = text == null ? "" : text;
    }
}
