package dev.forge.monitor.service;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * A hot stream behind the SSE endpoints: items are published from concurrent rounds and requests (one at a time, as
 * Reactive Streams requires). Each subscriber has a buffer, because an SSE response asks for the next item only when
 * its last write is done and items come in bursts; one that falls further behind than that is ended (its client
 * reconnects) instead of holding the others back or silently missing items.
 */
final class LiveFeed<T> {

    private static final int SUBSCRIBER_BUFFER = 1024;

    private final BroadcastProcessor<T> processor = BroadcastProcessor.create();

    synchronized void publish(T item) {
        processor.onNext(item);
    }

    Multi<T> stream() {
        return processor.onOverflow().buffer(SUBSCRIBER_BUFFER);
    }

    /** The most stored items a resumed stream replays before going live. */
    static final int BACKLOG = 1000;

    /**
     * {@code live} for a client that saw everything up to {@code after} (its Last-Event-ID): the stored items after
     * it first, merged with the live ones from the start (so none published meanwhile is lost), none twice. Items are
     * stored rows, with their {@code id}.
     */
    static Multi<ObjectNode> resume(Multi<ObjectNode> live, Long after,
            Function<Long, Uni<List<ObjectNode>>> stored) {
        if (after == null) {
            return live;
        }
        var seen = ConcurrentHashMap.<Long>newKeySet();
        // once the backlog is out, a live id above all of it cannot repeat one: no need to remember it
        var backlogTop = new AtomicLong(Long.MAX_VALUE);
        Multi<ObjectNode> backlog = Multi.createFrom().uni(stored.apply(after)).onItem()
                .transformToIterable(items -> items).onCompletion().invoke(() -> backlogTop.set(seen.stream()
                        .mapToLong(Long::longValue).max().orElse(after)));
        return Multi.createBy().merging().streams(backlog, live.select().where(n -> id(n) > after))
                .select().where(n -> id(n) > backlogTop.get() || seen.add(id(n)));
    }

    private static long id(ObjectNode item) {
        return item.path("id").asLong();
    }
}
