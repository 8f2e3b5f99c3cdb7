package dev.forge.core.flow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a {@code human} executor asks: a question (a template over input, state and the message), the JSON Schema its
 * answer must meet (null: any JSON), and what happens when nobody answers within the executor's {@code timeout}.
 *
 * @param onTimeout an executor id to route to, or {@code fail} (the default) to end the run timed out
 */
public record HumanSpec(String question, JsonNode answerSchema, String onTimeout) {

    public static final String FAIL = "fail";

    /** The executor a timed-out question routes to, or null when the run fails instead. */
    public String onTimeoutTarget() {
        return onTimeout == null || onTimeout.equals(FAIL) ? null : onTimeout;
    }
}
