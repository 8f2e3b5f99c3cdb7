package dev.forge.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API key format and hashing. A key is {@code fk_<prefix>_<secret>}: 8 + 40 random hex characters. Keys carry 192 bits
 * of entropy, so a single SHA-256 is a sound verifier (no slow hash needed: there is nothing to brute-force).
 */
public final class ApiKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new random key; shown once to its creator, never stored. */
    public static String generate() {
        var bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        var hex = HexFormat.of().formatHex(bytes);
        return "fk_" + hex.substring(0, 8) + "_" + hex.substring(8);
    }

    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** The part of a key that may be shown and logged. */
    public static String prefix(String key) {
        if (key.startsWith("fk_") && key.length() > 11) {
            return key.substring(0, 11);
        }
        return key.length() <= 4 ? "****" : key.substring(0, 4) + "…";
    }
}
