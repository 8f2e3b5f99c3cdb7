package dev.forge.skill.config;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where skills are read from and how changes are picked up. */
@ConfigMapping(prefix = "forge.skills")
public interface SkillsConfig {

    /** The skills shipped with Forge. */
    @WithDefault("config/skills")
    Path systemDir();

    /** The operators' own skills (the seed's .marie/skills); a workspace skill wins over a system skill. */
    @WithDefault(".marie/skills")
    Path workspaceDir();

    /** Whether file changes are picked up while running (hot reload). */
    @WithDefault("true")
    boolean watch();

    /** Quiet time after the last file event before re-reading, so a copy in progress is read once, whole. */
    @WithDefault("250ms")
    Duration reloadDebounce();

    /** Full re-read even without file events: the backstop for events the OS dropped. */
    @WithDefault("30s")
    Duration rescanInterval();

    /** Earlier content versions kept per skill for runs that pinned them. */
    @WithDefault("20")
    int versionsKept();
}
