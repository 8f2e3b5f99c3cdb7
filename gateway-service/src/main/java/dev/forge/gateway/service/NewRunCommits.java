package dev.forge.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.messaging.OutboxRelay;
import dev.forge.core.queue.JobWakeup;
import dev.forge.core.repository.GroupCommitter;
import dev.forge.gateway.repository.RunRepository;
import dev.forge.gateway.repository.RunRepository.NewRun;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Group commit of run creations that start a new session (most creates): concurrent requests share one statement and
 * one commit ({@link RunRepository#insertNew}); workers and the relay are woken once per batch, after it committed.
 * R1 before this: a create took a transaction of six round trips (begin, four inserts, commit) and a read-back.
 */
@ApplicationScoped
public class NewRunCommits {

    private static final int FLUSHERS = 2;
    private static final int MAX_BATCH = 256;

    private final GroupCommitter<NewRun, ObjectNode> committer;

    public NewRunCommits(RunRepository runs, JobWakeup wakeup, OutboxRelay relay, MeterRegistry registry) {
        this.committer = new GroupCommitter<>("run creates", FLUSHERS, MAX_BATCH,
                batch -> runs.insertNew(batch).invoke(x -> {
                    wakeup.jobsCommitted();
                    relay.wake();
                }),
                DistributionSummary.builder("forge.gateway.create.batch")
                        .description("Run creations per group-commit statement").register(registry));
    }

    /** Creates the run (and its session, job and run.created event) in the next group commit; its view. */
    public Uni<ObjectNode> submit(NewRun run) {
        return committer.submit(run);
    }
}
