package dev.forge.monitor.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Multi;

/** Stored items as server-sent events with their row id as the event id, which a client resumes from. */
final class SseItems {

    private SseItems() {
    }

    static Multi<OutboundSseEvent> withIds(Sse sse, Multi<ObjectNode> items) {
        return items.map(item -> sse.newEventBuilder().id(item.path("id").asText())
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(ObjectNode.class, item).build());
    }
}
