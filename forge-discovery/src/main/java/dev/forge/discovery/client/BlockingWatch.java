package dev.forge.discovery.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongFunction;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Follows one Consul blocking query: asks again with the last index as soon as an answer comes, starts over from
 * index 0 when the index goes backwards (the agent restarted and its indexes with it), and after a failure (the agent
 * unreachable) waits {@code retryDelay} before asking afresh.
 */
public final class BlockingWatch<T> {

    private final Vertx vertx;
    private final Duration retryDelay;
    private final LongFunction<Uni<ConsulAgent.Indexed<T>>> query;
    private final Consumer<T> onAnswer;
    private final Consumer<Throwable> onFailure;
    private final AtomicBoolean stopped = new AtomicBoolean(true);

    /** {@code query} is given the index to wait on (0: answer at once). */
    public BlockingWatch(Vertx vertx, Duration retryDelay, LongFunction<Uni<ConsulAgent.Indexed<T>>> query,
            Consumer<T> onAnswer, Consumer<Throwable> onFailure) {
        this.vertx = vertx;
        this.retryDelay = retryDelay;
        this.query = query;
        this.onAnswer = onAnswer;
        this.onFailure = onFailure;
    }

    public void start() {
        if (stopped.getAndSet(false)) {
            next(0);
        }
    }

    /** No further query is sent; one in flight finishes unheard. */
    public void stop() {
        stopped.set(true);
    }

    private void next(long index) {
        if (stopped.get()) {
            return;
        }
        query.apply(index).subscribe().with(answer -> {
            if (stopped.get()) {
                return;
            }
            onAnswer.accept(answer.value());
            next(answer.index() < index ? 0 : answer.index());
        }, failure -> {
            if (stopped.get()) {
                return;
            }
            onFailure.accept(failure);
            vertx.setTimer(retryDelay.toMillis(), id -> next(0));
        });
    }
}
