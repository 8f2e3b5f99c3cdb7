package dev.forge.core.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.DistributionSummary;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Group commit: writes submitted concurrently go to the database together. A write waits while {@code flushers}
 * flushes are in flight and then goes with every other write that queued meanwhile, so under load one transaction
 * carries tens of writes, and when idle a write is flushed at once — nothing waits on a timer. If a batch fails, each
 * write in it is applied alone, so one bad write fails only itself.
 *
 * @param <W> a write
 * @param <A> the answer to one write
 */
public final class GroupCommitter<W, A> {

    private static final Logger LOG = Logger.getLogger(GroupCommitter.class);

    private final String name;
    private final int flushers;
    private final int maxBatch;
    private final Function<List<W>, Uni<List<A>>> apply;
    private final DistributionSummary batchSizes;
    private final ConcurrentLinkedQueue<Pending<W, A>> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger flushing = new AtomicInteger();

    /**
     * @param apply writes the batch in one transaction and answers each write, in the batch's order
     * @param batchSizes records the writes per flush
     */
    public GroupCommitter(String name, int flushers, int maxBatch, Function<List<W>, Uni<List<A>>> apply,
            DistributionSummary batchSizes) {
        this.name = name;
        this.flushers = Math.max(1, flushers);
        this.maxBatch = Math.max(1, maxBatch);
        this.apply = apply;
        this.batchSizes = batchSizes;
    }

    /** Applies the write in the next group commit. */
    public Uni<A> submit(W write) {
        return Uni.createFrom().emitter(emitter -> {
            queued.add(new Pending<>(write, Vertx.currentContext(), emitter));
            flushIfIdle();
        });
    }

    private record Pending<W, A>(W write, Context context, UniEmitter<? super A> emitter) {

        void answer(A answer, Throwable failure) {
            Runnable send = failure == null ? () -> emitter.complete(answer) : () -> emitter.fail(failure);
            // the caller's code continues where it was running, not on the connection's event loop
            if (context != null) {
                context.runOnContext(v -> send.run());
            } else {
                send.run();
            }
        }
    }

    private void flushIfIdle() {
        while (true) {
            int now = flushing.get();
            if (now >= flushers || queued.isEmpty()) {
                return;
            }
            if (flushing.compareAndSet(now, now + 1)) {
                break;
            }
        }
        var batch = new ArrayList<Pending<W, A>>();
        Pending<W, A> next;
        while (batch.size() < maxBatch && (next = queued.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            flushing.decrementAndGet();
            flushIfIdle();
            return;
        }
        batchSizes.record(batch.size());
        flush(batch).subscribe().with(x -> {
            flushing.decrementAndGet();
            flushIfIdle();
        }, e -> {
            LOG.errorf(e, "%s: group commit bookkeeping failed", name);
            flushing.decrementAndGet();
            flushIfIdle();
        });
    }

    /** Commits the batch and answers every write in it; completes when all are answered. */
    private Uni<Void> flush(List<Pending<W, A>> batch) {
        return apply.apply(batch.stream().map(Pending::write).toList()).onItemOrFailure()
                .transformToUni((answers, failure) -> {
                    if (failure == null) {
                        for (int i = 0; i < batch.size(); i++) {
                            batch.get(i).answer(answers.get(i), null);
                        }
                        return Uni.createFrom().voidItem();
                    }
                    if (batch.size() == 1) {
                        batch.get(0).answer(null, failure);
                        return Uni.createFrom().voidItem();
                    }
                    LOG.debugf("%s: group commit of %d writes failed (%s); applying them one by one", name,
                            batch.size(), failure.getMessage());
                    Uni<Void> alone = Uni.createFrom().voidItem();
                    for (var p : batch) {
                        alone = alone.flatMap(x -> apply.apply(List.of(p.write())).onItemOrFailure()
                                .invoke((one, e) -> p.answer(e == null ? one.get(0) : null, e))
                                .onFailure().recoverWithNull().replaceWithVoid());
                    }
                    return alone;
                });
    }
}
