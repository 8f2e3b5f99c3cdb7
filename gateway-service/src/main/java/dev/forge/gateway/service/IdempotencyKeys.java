package dev.forge.gateway.service;

import dev.forge.api.service.ApiProblem;

/** The one rule for an Idempotency-Key header, for every request that takes one (run creation, resume). */
final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    /** Refuses a key that is not 1-255 printable ASCII characters without spaces; null (no key) passes. */
    static void check(String key) {
        if (key != null && (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21
                && c <= 0x7e))) {
            throw ApiProblem.invalid("Idempotency-Key must be 1-255 printable ASCII characters without spaces");
        }
    }
}
