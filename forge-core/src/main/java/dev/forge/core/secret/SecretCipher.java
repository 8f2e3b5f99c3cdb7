package dev.forge.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forge.core.config.SecretsConfig;

/**
 * AES-256-GCM for secrets at rest: a random 12-byte nonce before the ciphertext, and associated data that binds a
 * ciphertext to the row it belongs to (a secret copied onto another row does not decrypt).
 */
@ApplicationScoped
public class SecretCipher {

    /** No key configured, or a ciphertext that does not open under it. */
    public static class SecretUnavailable extends RuntimeException {
        public SecretUnavailable(String message) {
            super(message);
        }
    }

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(SecretsConfig config) {
        this.key = config.key().filter(k -> !k.isBlank()).map(SecretCipher::decodeKey).orElse(null);
    }

    private static SecretKey decodeKey(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("forge.secrets.key (FORGE_SECRET_KEY) is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("forge.secrets.key (FORGE_SECRET_KEY) must be 32 bytes, base64 encoded; "
                    + "it has " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    public boolean available() {
        return key != null;
    }

    public byte[] encrypt(String plaintext, String boundTo) {
        requireKey();
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    public String decrypt(byte[] sealed, String boundTo) {
        requireKey();
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new SecretUnavailable("a stored secret does not decrypt with the configured FORGE_SECRET_KEY "
                    + "(was the key rotated?)");
        }
    }

    private void requireKey() {
        if (key == null) {
            throw new SecretUnavailable("no secret key configured: set FORGE_SECRET_KEY (32 bytes, base64) to "
                    + "store or use secrets");
        }
    }
}
