package dev.forge.core.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forge.core.config.SecretsConfig;

/**
 * AES-256-GCM for secrets at rest, with key rotation. A sealed value is {@code "F2"}, the 4-byte id of the key that
 * sealed it (the first bytes of its SHA-256), a random 12-byte nonce and the ciphertext; associated data binds it to
 * the row it belongs to (a secret copied onto another row does not decrypt). New secrets are sealed under the current
 * key; secrets under a previous key (or in the format before key ids, a bare nonce and ciphertext) still open, and
 * {@link #reseal} moves them to the current key.
 */
@ApplicationScoped
public class SecretCipher {

    /** No key configured, or a ciphertext that does not open under any configured key. */
    public static class SecretUnavailable extends RuntimeException {
        public SecretUnavailable(String message) {
            super(message);
        }
    }

    private static final byte[] MAGIC = {'F', '2'};
    private static final int ID_BYTES = 4;
    private static final int HEADER = MAGIC.length + ID_BYTES;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey current;
    private final String currentId;
    /** Every configured key by id, the current one first. */
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    @Inject
    public SecretCipher(SecretsConfig config) {
        this(config.key().filter(k -> !k.isBlank()).orElse(null), config.previousKeys().orElse(List.of()));
    }

    /** A cipher sealing under {@code key} (base64, or null for none) and opening under it and {@code previous}. */
    public SecretCipher(String key, List<String> previous) {
        this.current = key == null ? null : decodeKey(key, "FORGE_SECRET_KEY");
        this.currentId = current == null ? null : id(current);
        if (current != null) {
            keys.put(currentId, current);
        }
        for (String old : previous) {
            if (!old.isBlank()) {
                var k = decodeKey(old, "FORGE_SECRET_PREVIOUS_KEYS");
                keys.putIfAbsent(id(k), k);
            }
        }
    }

    private static SecretKey decodeKey(String base64, String variable) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a key in " + variable + " is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("a key in " + variable + " must be 32 bytes, base64 encoded; it has "
                    + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** A key's public id: the first 4 bytes of its SHA-256, in hex (says which key sealed a value, reveals nothing). */
    static String id(SecretKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, ID_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }

    public boolean available() {
        return current != null;
    }

    /** The id of the key new secrets are sealed under. */
    public Optional<String> currentKeyId() {
        return Optional.ofNullable(currentId);
    }

    /** The id of the key {@code sealed} names; empty for a value in the format before key ids. */
    public static Optional<String> keyIdOf(byte[] sealed) {
        if (sealed.length < HEADER + NONCE_BYTES || !Arrays.equals(sealed, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        return Optional.of(HexFormat.of().formatHex(sealed, MAGIC.length, HEADER));
    }

    /** Whether {@code sealed} is under the current key already (nothing to reseal). */
    public boolean sealedUnderCurrentKey(byte[] sealed) {
        return currentId != null && keyIdOf(sealed).filter(currentId::equals).isPresent();
    }

    public byte[] encrypt(String plaintext, String boundTo) {
        requireKey();
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(HEADER + NONCE_BYTES + sealed.length).put(MAGIC)
                    .put(HexFormat.of().parseHex(currentId)).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    public String decrypt(byte[] sealed, String boundTo) {
        if (keys.isEmpty()) {
            requireKey();
        }
        var named = keyIdOf(sealed);
        if (named.isPresent() && keys.containsKey(named.get())) {
            var opened = open(keys.get(named.get()), sealed, HEADER, boundTo);
            if (opened != null) {
                return opened;
            }
        }
        // the format before key ids (also a value whose nonce happens to start with the marker): any configured key
        for (var key : keys.values()) {
            var opened = open(key, sealed, 0, boundTo);
            if (opened != null) {
                return opened;
            }
        }
        if (named.isPresent() && !keys.containsKey(named.get())) {
            throw new SecretUnavailable("a stored secret is sealed under key " + named.get() + ", which this service "
                    + "is not given (FORGE_SECRET_KEY, FORGE_SECRET_PREVIOUS_KEYS)");
        }
        throw new SecretUnavailable("a stored secret does not decrypt with FORGE_SECRET_KEY or "
                + "FORGE_SECRET_PREVIOUS_KEYS (was the key rotated without keeping the old one?)");
    }

    /** The secret sealed again under the current key (the same bytes when it already is). */
    public byte[] reseal(byte[] sealed, String boundTo) {
        return sealedUnderCurrentKey(sealed) ? sealed : encrypt(decrypt(sealed, boundTo), boundTo);
    }

    private static String open(SecretKey key, byte[] sealed, int offset, String boundTo) {
        if (sealed.length < offset + NONCE_BYTES + TAG_BITS / 8) {
            return null;
        }
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, offset, NONCE_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, offset + NONCE_BYTES, sealed.length - offset - NONCE_BYTES),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private void requireKey() {
        if (current == null) {
            throw new SecretUnavailable("no secret key configured: set FORGE_SECRET_KEY (32 bytes, base64) to "
                    + "store or use secrets");
        }
    }
}
