package dev.forge.worker.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.smallrye.mutiny.Uni;

/** Signals from the worker to one running Coordinator. */
public final class RunControl {

    /** Thrown into a running step when its run is cancelled. */
    static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled", null, false, false);
        }
    }

    private volatile String stopReason;
    private volatile boolean cancelRequested;
    private final CompletableFuture<Void> interrupted = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Void>> signal =
            new AtomicReference<>(new CompletableFuture<>());

    /** A message for this run's session arrived: wake a waiting step. */
    public void signalArrived() {
        signal.getAndSet(new CompletableFuture<>()).complete(null);
    }

    /** Completes at the next {@link #signalArrived()}; take it before looking, so no signal slips between. */
    CompletableFuture<Void> nextSignal() {
        return signal.get();
    }

    /** Stop at the next step boundary without writing anything more (lease lost, or work handed back). */
    public void stop(String reason) {
        this.stopReason = reason;
        interrupted.complete(null);
    }

    public boolean stopped() {
        return stopReason != null;
    }

    public String stopReason() {
        return stopReason;
    }

    /** A user cancelled the run: interrupt the running step and end the run cancelled. */
    public void cancel() {
        cancelRequested = true;
        interrupted.complete(null);
    }

    public boolean cancelRequested() {
        return cancelRequested && stopReason == null;
    }

    /** Fails as soon as the run is cancelled or stopped; raced against each step so it is interrupted at once. */
    <T> Uni<T> interruption() {
        // a dependent stage per subscription: Mutiny cancels the stage it was given when the step wins the race,
        // and that must not cancel the run's own signal
        return Uni.createFrom().completionStage(() -> interrupted.thenApply(x -> x)).onItem().transformToUni(
                x -> Uni.createFrom().<T>failure(new CancelledException()));
    }
}
