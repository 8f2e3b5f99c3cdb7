package dev.forge.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void theFileFollowsHomeAsOtherCommandsDo() {
        assertThat(Settings.file(Map.of("HOME", "/tmp/someone"))).isEqualTo(Path.of("/tmp/someone/.config/forge/config"));
        assertThat(Settings.file(Map.of("HOME", "/tmp/someone", "XDG_CONFIG_HOME", "/tmp/xdg")))
                .isEqualTo(Path.of("/tmp/xdg/forge/config"));
        assertThat(Settings.file(Map.of("HOME", "/tmp/someone", "FORGE_CONFIG", "/tmp/f/config")))
                .isEqualTo(Path.of("/tmp/f/config"));
        assertThat(Settings.file(Map.of())).isEqualTo(Path.of(System.getProperty("user.home"), ".config", "forge",
                "config"));
    }

    @Test
    void environmentOverridesEachStoredValue() {
        var settings = Settings.load(Map.of("FORGE_CONFIG", "/nonexistent/forge/config", "FORGE_URL",
                "https://forge.example:443", "FORGE_API_KEY", " fk_from_env "));
        assertThat(settings.url()).isEqualTo("https://forge.example:443");
        assertThat(settings.restUrl()).isEqualTo(Settings.DEFAULT_REST_URL);
        assertThat(settings.monitorUrl()).isEqualTo(Settings.DEFAULT_MONITOR_URL);
        assertThat(settings.key()).isEqualTo("fk_from_env");
    }
}
