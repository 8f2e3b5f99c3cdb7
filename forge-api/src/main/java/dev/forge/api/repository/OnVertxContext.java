package dev.forge.api.repository;

import java.util.function.Supplier;

import io.quarkus.vertx.VertxContextSupport;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Hibernate Reactive runs only on a Vert.x event loop (HR000068 elsewhere). Callers on the event loop — reactive
 * endpoints, gRPC, Vert.x routes — go straight through; a caller on a worker thread (a filter in front of a blocking
 * endpoint, a start-up observer) may block, so it waits there while the work runs on a Vert.x context of its own.
 */
public final class OnVertxContext {

    private OnVertxContext() {
    }

    /** The work, started where the answer is subscribed to: directly on an event loop, waited for elsewhere. */
    public static <T> Uni<T> run(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> Context.isOnEventLoopThread() ? work.get()
                : Uni.createFrom().item(() -> waitFor(work)));
    }

    /**
     * The work on a Vert.x context of its own — a new duplicated context of the caller's event loop, marked safe — so
     * it opens its own Hibernate Reactive session. For callers that would otherwise share one or have none: periodic
     * tasks on an event loop's root context, several calls combined at once, messaging consumers. Off the event loop
     * it behaves as {@link #run}.
     */
    public static <T> Uni<T> isolated(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Context current = Vertx.currentContext();
            if (current == null || !Context.isOnEventLoopThread()) {
                return run(work);
            }
            return Uni.createFrom().emitter(emitter -> {
                Context own = VertxContext.createNewDuplicatedContext(current);
                VertxContextSafetyToggle.setContextSafe(own, true);
                own.runOnContext(x -> {
                    try {
                        work.get().subscribe().with(emitter::complete, emitter::fail);
                    } catch (RuntimeException e) {
                        emitter.fail(e);
                    }
                });
            });
        });
    }

    private static <T> T waitFor(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
