package dev.forge.api.repository;

import java.util.function.Supplier;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * Hibernate Reactive runs only on a Vert.x event loop (HR000068 elsewhere). Callers on the event loop — reactive
 * endpoints, gRPC, Vert.x routes — go straight through; a caller on a worker thread (a filter in front of a blocking
 * endpoint, a start-up observer) may block, so it waits there while the work runs on a Vert.x context of its own.
 */
public final class OnVertxContext {

    private OnVertxContext() {
    }

    public static <T> Uni<T> run(Supplier<Uni<T>> work) {
        if (Context.isOnEventLoopThread()) {
            return work.get();
        }
        return Uni.createFrom().item(() -> {
            try {
                return VertxContextSupport.subscribeAndAwait(work);
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
