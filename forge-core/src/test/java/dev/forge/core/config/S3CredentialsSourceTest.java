package dev.forge.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class S3CredentialsSourceTest {

    private static String type(Map<String, String> environment) {
        return new S3CredentialsSource(environment::get).type();
    }

    @Test
    void anS3ElsewhereWithoutKeysUsesTheDefaultChainSoRolesWork() {
        assertThat(type(Map.of("FORGE_S3_ENDPOINT", "https://s3.eu-west-1.amazonaws.com"))).isEqualTo("default");
        // a chart that leaves the key empty means the same
        assertThat(type(Map.of("FORGE_S3_ENDPOINT", "https://s3.eu-west-1.amazonaws.com", "FORGE_S3_ACCESS_KEY", "")))
                .isEqualTo("default");
    }

    @Test
    void givenKeysOrTheEmbeddedLocalS3UseStaticKeys() {
        assertThat(type(Map.of("FORGE_S3_ENDPOINT", "http://minio:9000", "FORGE_S3_ACCESS_KEY", "forge-s3")))
                .isEqualTo("static");
        assertThat(type(Map.of())).isEqualTo("static");
    }
}
