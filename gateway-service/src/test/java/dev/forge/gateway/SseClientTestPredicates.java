package dev.forge.gateway;

import java.util.function.Predicate;

/** Stop conditions for {@link SseClient}. */
public final class SseClientTestPredicates {

    public static final Predicate<SseClient.Event> END = e -> e.name().equals("end");

    private SseClientTestPredicates() {
    }
}
