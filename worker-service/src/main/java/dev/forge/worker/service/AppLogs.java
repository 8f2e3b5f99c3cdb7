package dev.forge.worker.service;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One webapp's output: the most recent lines in memory (numbered), every line handed to the store, and live
 * listeners (log streams) told of each new line.
 */
final class AppLogs {

    /** One line of output. */
    record Line(long seq, Instant at, String stream, String text) {
    }

    private final int capacity;
    private final Consumer<Line> store;
    private final ArrayDeque<Line> recent = new ArrayDeque<>();
    private final List<Consumer<Line>> listeners = new CopyOnWriteArrayList<>();
    private long seq;

    AppLogs(int capacity, Consumer<Line> store) {
        this.capacity = capacity;
        this.store = store;
    }

    void add(String stream, String text) {
        Line line;
        synchronized (this) {
            line = new Line(++seq, Instant.now(), stream, text.length() > 8192 ? text.substring(0, 8192) : text);
            recent.addLast(line);
            if (recent.size() > capacity) {
                recent.removeFirst();
            }
        }
        store.accept(line);
        listeners.forEach(l -> l.accept(line));
    }

    /**
     * The last {@code tail} lines, then (with {@code follow}) each new one until the returned action is run. The tail
     * is sent and the listener added under the lock lines are numbered under, so none is lost or sent twice.
     */
    synchronized Runnable follow(int tail, Consumer<Line> out, boolean follow) {
        var all = new ArrayList<>(recent);
        var last = all.subList(Math.max(0, all.size() - tail), all.size());
        last.forEach(out);
        if (!follow) {
            return () -> { };
        }
        long after = seq;
        Consumer<Line> listener = l -> {
            if (l.seq() > after) {
                out.accept(l);
            }
        };
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
