package dev.forge.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.forge.core.secret.SecretCipher;
import dev.forge.core.secret.SecretResealer;
import dev.forge.discovery.testing.ConsulStandInResource;
import dev.forge.monitor.repository.GatewayRepository;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A master-key rotation against the real table: a gateway token stored under the running key is sealed again under a
 * new key (the running one given as previous), opens under the new key alone afterwards, and a second pass finds
 * nothing to do.
 */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
class SecretRotationTest {

    @Inject
    Pool pool;

    private byte[] storedToken(String id) {
        return pool.preparedQuery("SELECT token FROM monitor_gateways WHERE id = $1")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(5)).iterator()
                .next().getBuffer("token").getBytes();
    }

    @Test
    void storedTokensMoveToTheNewKeyAndOpenWithItAlone() {
        given().spec(InfraMonitorTest.as(Cluster.ADMIN_KEY)).contentType(ContentType.JSON)
                .body("{\"id\": \"rotated\", \"url\": \"http://127.0.0.1:9\", \"token\": \"tok-before-rotation\"}")
                .post("/v1/gateways").then().statusCode(201);
        String running = ConfigProvider.getConfig().getValue("forge.secrets.key", String.class);
        var before = new SecretCipher(running, List.of());
        byte[] sealed = storedToken("rotated");
        assertThat(SecretCipher.keyIdOf(sealed)).isEqualTo(before.currentKeyId());

        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        var rotated = new SecretCipher(Base64.getEncoder().encodeToString(fresh), List.of(running));
        var resealer = new SecretResealer(pool, rotated);
        int moved = resealer.reseal(GatewayRepository.SEALED_TOKENS).await().atMost(Duration.ofSeconds(10));
        assertThat(moved).isGreaterThanOrEqualTo(1);

        byte[] after = storedToken("rotated");
        assertThat(SecretCipher.keyIdOf(after)).isEqualTo(rotated.currentKeyId());
        assertThat(new SecretCipher(Base64.getEncoder().encodeToString(fresh), List.of()).decrypt(after, "rotated"))
                .isEqualTo("tok-before-rotation");
        assertThatThrownBy(() -> before.decrypt(after, "rotated")).isInstanceOf(SecretCipher.SecretUnavailable.class);
        assertThat(resealer.reseal(GatewayRepository.SEALED_TOKENS).await().atMost(Duration.ofSeconds(10)))
                .as("nothing left under the old key").isZero();

        // back under the running key, so the rest of the suite reads the row as before
        new SecretResealer(pool, new SecretCipher(running, List.of(Base64.getEncoder().encodeToString(fresh))))
                .reseal(GatewayRepository.SEALED_TOKENS).await().atMost(Duration.ofSeconds(10));
        given().spec(InfraMonitorTest.as(Cluster.ADMIN_KEY)).delete("/v1/gateways/rotated").then().statusCode(204);
    }
}
