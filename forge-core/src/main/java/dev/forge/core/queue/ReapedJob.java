package dev.forge.core.queue;

import java.util.UUID;

/** A job whose lease expired: returned to the queue, or (attempts used up) its run failed. */
public record ReapedJob(UUID runId, UUID sessionId, UUID lastWorker, int attempt, boolean runFailed) {
}
