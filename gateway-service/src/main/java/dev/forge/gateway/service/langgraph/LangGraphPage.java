package dev.forge.gateway.service.langgraph;

import com.fasterxml.jackson.databind.node.ArrayNode;

/** A page of a LangGraph search: its items, and where it started and how many it asked for (X-Pagination-Next). */
public record LangGraphPage(ArrayNode items, int offset, int limit) {

    /** The offset of the next page, or -1 when this page was not full (the last). */
    public int nextOffset() {
        return items.size() == limit ? offset + limit : -1;
    }
}
