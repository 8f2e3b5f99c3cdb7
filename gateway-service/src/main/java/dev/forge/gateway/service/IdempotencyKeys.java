package dev.forge.gateway.service;

import dev.forge.api.service.ApiProblem;

/**
 * The rules an Idempotency-Key follows on every request that takes one (run creation, resume): its form, the
 * signal that rolls a transaction back when the key was used before, and the refusal when it was used for another
 * request.
 */
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

    /** The key was used before: rolls the transaction back so the earlier answer can be given instead. */
    static final class Taken extends RuntimeException {
        Taken() {
            super("idempotency key taken", null, false, false);
        }
    }

    /** 409: the key stands for a different request. */
    static ApiProblem reused(String key, String what) {
        return new ApiProblem(409, "idempotency-key-reused", "Idempotency key reused",
                "Idempotency-Key '" + key + "' was used for a different request (" + what + ")", null);
    }
}
