package dev.forge.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static String key() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void aSealedSecretNamesItsKeyAndOpensOnlyBoundToItsRow() {
        var cipher = new SecretCipher(key(), List.of());
        byte[] sealed = cipher.encrypt("Bearer s3cret", "mcp:1");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");
        assertThat(SecretCipher.keyIdOf(sealed)).isEqualTo(cipher.currentKeyId()).get().asString().hasSize(8);
        assertThat(cipher.sealedUnderCurrentKey(sealed)).isTrue();
        assertThat(cipher.decrypt(sealed, "mcp:1")).isEqualTo("Bearer s3cret");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "mcp:2")).isInstanceOf(SecretCipher.SecretUnavailable.class);
    }

    @Test
    void afterARotationOldSecretsOpenWithThePreviousKeyAndResealUnderTheNewOne() {
        String old = key();
        String fresh = key();
        byte[] underOld = new SecretCipher(old, List.of()).encrypt("token-1", "gw");
        var rotated = new SecretCipher(fresh, List.of(old));
        assertThat(rotated.sealedUnderCurrentKey(underOld)).isFalse();
        assertThat(rotated.decrypt(underOld, "gw")).isEqualTo("token-1");

        byte[] resealed = rotated.reseal(underOld, "gw");
        assertThat(SecretCipher.keyIdOf(resealed)).isEqualTo(rotated.currentKeyId());
        assertThat(rotated.reseal(resealed, "gw")).as("already current: left as it is").isSameAs(resealed);
        // once resealed, the old key is no longer needed, and a service given only the old key is told which it lacks
        assertThat(new SecretCipher(fresh, List.of()).decrypt(resealed, "gw")).isEqualTo("token-1");
        assertThatThrownBy(() -> new SecretCipher(old, List.of()).decrypt(resealed, "gw"))
                .isInstanceOf(SecretCipher.SecretUnavailable.class)
                .hasMessageContaining(rotated.currentKeyId().orElseThrow());
        // a secret under a key nobody kept does not open, and the message says so without any key material
        assertThatThrownBy(() -> new SecretCipher(fresh, List.of()).decrypt(underOld, "gw"))
                .isInstanceOf(SecretCipher.SecretUnavailable.class).hasMessageNotContaining(old);
    }

    @Test
    void secretsSealedBeforeKeyIdsStillOpenAndReseal() throws Exception {
        String old = key();
        // the format before key ids: a bare 12-byte nonce and the AES-GCM ciphertext
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        var gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(old), "AES"),
                new GCMParameterSpec(128, nonce));
        gcm.updateAAD("mcp:7".getBytes(StandardCharsets.UTF_8));
        byte[] body = gcm.doFinal("legacy".getBytes(StandardCharsets.UTF_8));
        byte[] legacy = new byte[nonce.length + body.length];
        System.arraycopy(nonce, 0, legacy, 0, nonce.length);
        System.arraycopy(body, 0, legacy, nonce.length, body.length);

        assertThat(new SecretCipher(old, List.of()).decrypt(legacy, "mcp:7")).isEqualTo("legacy");
        var rotated = new SecretCipher(key(), List.of(old));
        assertThat(rotated.decrypt(legacy, "mcp:7")).isEqualTo("legacy");
        assertThat(rotated.sealedUnderCurrentKey(legacy)).isFalse();
        assertThat(rotated.decrypt(rotated.reseal(legacy, "mcp:7"), "mcp:7")).isEqualTo("legacy");
    }

    @Test
    void badKeysAreRefusedAtStartNamingTheVariable() {
        assertThatThrownBy(() -> new SecretCipher("not base64!", List.of())).hasMessageContaining("FORGE_SECRET_KEY");
        assertThatThrownBy(() -> new SecretCipher(key(), List.of("c2hvcnQ=")))
                .hasMessageContaining("FORGE_SECRET_PREVIOUS_KEYS").hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new SecretCipher(null, List.of()).encrypt("x", "y"))
                .isInstanceOf(SecretCipher.SecretUnavailable.class);
    }
}
