package dev.forge.core.queue;

import java.util.UUID;

/**
 * A job this worker holds. {@code epoch} is the fencing token: every later write names it, and a write made after
 * the lease moved on changes nothing.
 */
public record ClaimedJob(long jobId, UUID runId, UUID sessionId, long epoch, int attempt, int maxAttempts) {
}
