package dev.forge.monitor.service;

import io.smallrye.mutiny.Multi;
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
}
