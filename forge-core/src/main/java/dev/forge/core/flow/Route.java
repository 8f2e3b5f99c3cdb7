package dev.forge.core.flow;

/** One conditional route: when the CEL condition holds, the message goes to target. */
public record Route(String condition, String target, int line) {
}
