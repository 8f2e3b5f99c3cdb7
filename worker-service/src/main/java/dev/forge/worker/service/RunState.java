package dev.forge.worker.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.flow.SkillBinding;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The Coordinator's whole state, serialized into every checkpoint: enough to resume on another worker, inspect any
 * step (time travel) or fork. Plain fields so Jackson round-trips it exactly.
 */
// the checkpoint state is (de)serialized by Jackson through reflection: registered for native images
@RegisterForReflection(targets = { RunState.class, RunState.Message.class, RunState.Attachment.class,
        RunState.Interrupt.class, RunState.Answer.class })
public final class RunState {

    public static final String STATUS_PENDING = "pending";
    public static final String STATUS_DONE = "done";
    public static final String STATUS_SKIPPED = "skipped";
    public static final String INPUT_SENDER = "__input__";

    /** A message waiting in an executor's inbox. */
    public record Message(String from, int seq, JsonNode payload) {
    }

    public String flow;
    public String flowVersion;
    public String routingPolicy;
    /** Steps executed so far; the checkpoint of step n holds the state after it. */
    public int stepIndex;
    public JsonNode input;
    /** Output of every executor that ran, by id. */
    public Map<String, JsonNode> outputs = new LinkedHashMap<>();
    /** pending, done or skipped (a route not taken), by executor id. */
    public Map<String, String> status = new LinkedHashMap<>();
    public Map<String, List<Message>> inbox = new LinkedHashMap<>();
    /** Executor ids in the order they ran. */
    public List<String> trace = new ArrayList<>();
    public int edgeSeq;
    public int messageSeq;
    public long inputTokens;
    public long outputTokens;
    /** The skill the run's slash command resolved to when it started, pinned for the rest of the run. */
    public SkillBinding skill;
    /** The artifacts the run's request referenced (metadata; the bytes stay in S3). */
    public List<Attachment> artifacts = new ArrayList<>();
    /** Text of the textual artifacts by id, read from S3 when the run (re)starts; never checkpointed. */
    @JsonIgnore
    public Map<String, String> artifactTexts = Map.of();

    // the waiting fields are left out of checkpoints while unused: most runs never wait, and every step stores state

    /** The question the run waits on while it is interrupted; null while it runs. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Interrupt interrupt;
    /** An executor a person let through its interrupt_before: it runs once without stopping again. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String approved;
    /** Answers for human executors, by id: set when the run resumes, consumed when the executor completes. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public Map<String, Answer> answers = new LinkedHashMap<>();
    /** Time spent waiting for people, which the flow's own timeout does not count. */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public long waitedMillis;

    /**
     * What a waiting run asks: {@code kind} is before, after (an executor's interrupt flags) or human; times are
     * ISO-8601 instants; {@code deadline} null waits for ever.
     */
    public record Interrupt(String kind, String executor, String question, JsonNode schema, String deadline,
            String onTimeout, String since, int step) {
    }

    /** A human executor's answer, or that nobody answered in time. */
    public record Answer(JsonNode value, boolean timedOut) {
    }

    /** An artifact as executors see it. */
    public record Attachment(String id, String name, String contentType, long sizeBytes, String sha256) {
    }
}
