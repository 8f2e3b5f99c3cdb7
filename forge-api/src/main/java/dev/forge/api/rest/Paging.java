package dev.forge.api.rest;

import dev.forge.api.service.ApiProblem;

/** Validates list paging parameters. */
public final class Paging {

    /** The largest page where a service configures none. */
    public static final int MAX_PAGE = 200;

    private Paging() {
    }

    public static int limit(Integer limit, int max) {
        if (limit == null) {
            return Math.min(50, max);
        }
        if (limit < 1 || limit > max) {
            throw ApiProblem.invalid("limit must be between 1 and " + max);
        }
        return limit;
    }

    public static int offset(Integer offset) {
        if (offset == null) {
            return 0;
        }
        if (offset < 0) {
            throw ApiProblem.invalid("offset must not be negative");
        }
        return offset;
    }
}
