package dev.forge.skill.service;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.forge.skill.Skill;
import dev.forge.skill.SkillChange;
import dev.forge.skill.SkillException;
import dev.forge.skill.SkillProblem;
import dev.forge.skill.config.SkillsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * The skill index: every {@code <dir>/SKILL.md} directly under the system and workspace skill directories, parsed,
 * checked and indexed by name and trigger. A malformed file is reported (file and line) and skipped; the other skills
 * keep working. A workspace skill replaces a system skill of the same name; when two skills declare one trigger, the
 * workspace skill wins over the system skill, and between skills of one directory the name that sorts first wins.
 * <p>
 * Hot reload: a watcher thread (the JDK's WatchService, inotify on Linux) re-reads the directories shortly after any
 * change, and every {@code rescan-interval} anyway; readers always see one whole index (swapped atomically). Earlier
 * content versions stay retrievable, so a run that pinned a version keeps it across reloads.
 */
@ApplicationScoped
public class SkillRegistry {

    private static final Logger LOG = Logger.getLogger(SkillRegistry.class);
    private static final String FILE = "SKILL.md";

    /** One consistent view of the directories; skills in name order. */
    public record Index(Map<String, Skill> skills, Map<String, String> triggers, List<SkillProblem> problems,
            Instant loadedAt) {
    }

    private final SkillsConfig config;
    private final BroadcastProcessor<SkillChange> changes = BroadcastProcessor.create();
    private final Map<String, LinkedHashMap<String, Skill>> history = new HashMap<>();
    private volatile Index index = new Index(Map.of(), Map.of(), List.of(), Instant.EPOCH);
    private volatile Thread watcher;
    private volatile WatchService watchService;

    public SkillRegistry(SkillsConfig config) {
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        reload();
        if (config.watch()) {
            var thread = new Thread(this::watch, "forge-skill-watcher");
            thread.setDaemon(true);
            thread.start();
            watcher = thread;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        var service = watchService;
        if (watcher != null) {
            watcher.interrupt();
        }
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                LOG.debugf("closing the watch service: %s", e.getMessage());
            }
        }
    }

    public Index index() {
        return index;
    }

    /** The skill as loaded now. */
    public Optional<Skill> get(String name) {
        return Optional.ofNullable(index.skills().get(name));
    }

    /**
     * The skill by name, as loaded now or (with a version) one of its last {@code versions-kept} loaded versions.
     * Names are checked first — lowercase letters, digits and dashes only — so no request can name a path.
     */
    public Skill lookup(String name, String version) {
        if (name == null || !SkillMarkdown.NAME.matcher(name).matches()) {
            String shown = name == null ? "" : name.length() > 40 ? name.substring(0, 40) + "..." : name;
            throw SkillException.invalid("'" + shown + "' is not a skill name (lowercase letters, digits and dashes)",
                    List.of());
        }
        boolean current = version == null || version.isBlank();
        return (current ? get(name) : get(name, version)).orElseThrow(() -> SkillException.notFound(current
                ? "no skill named '" + name + "'" : "skill '" + name + "' has no loaded version '" + version + "'"));
    }

    /** A loaded version of the skill: the current one or one of the last {@code versions-kept} before it. */
    public synchronized Optional<Skill> get(String name, String version) {
        var versions = history.get(name);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
    }

    /** The skill a trigger ({@code /extract-tables}) routes to. */
    public Optional<Skill> byTrigger(String trigger) {
        var current = index;
        return Optional.ofNullable(current.triggers().get(trigger)).map(current.skills()::get);
    }

    /** Every change from now on. */
    public Multi<SkillChange> changes() {
        return changes;
    }

    /** Re-reads both directories, swaps the index in and announces what changed. */
    public synchronized Index reload() {
        var now = Instant.now();
        var problems = new ArrayList<SkillProblem>();
        var bySource = new LinkedHashMap<Skill.Source, List<SkillMarkdown.Parsed>>();
        bySource.put(Skill.Source.SYSTEM, read(config.systemDir(), Skill.Source.SYSTEM, now, problems));
        bySource.put(Skill.Source.WORKSPACE, read(config.workspaceDir(), Skill.Source.WORKSPACE, now, problems));

        // names: a workspace skill replaces the system skill of the same name
        var skills = new LinkedHashMap<String, SkillMarkdown.Parsed>();
        for (var parsed : bySource.get(Skill.Source.SYSTEM)) {
            skills.put(parsed.skill().orElseThrow().name(), parsed);
        }
        for (var parsed : bySource.get(Skill.Source.WORKSPACE)) {
            var skill = parsed.skill().orElseThrow();
            var replaced = skills.put(skill.name(), parsed);
            if (replaced != null && replaced.skill().orElseThrow().source() == Skill.Source.WORKSPACE) {
                problems.add(new SkillProblem(skill.path(), 0, "duplicate_name", "skill '" + skill.name()
                        + "' is also declared by " + replaced.skill().orElseThrow().path() + "; this one is used"));
            } else if (replaced != null) {
                problems.add(new SkillProblem(skill.path(), 0, "overrides_system_skill", "workspace skill '"
                        + skill.name() + "' replaces the system skill of that name"));
            }
        }
        // triggers: workspace skills claim first, then system skills; within one source by name
        var triggers = new LinkedHashMap<String, String>();
        skills.values().stream()
                .sorted(Comparator.comparing((SkillMarkdown.Parsed p) -> p.skill().orElseThrow().source()
                        != Skill.Source.WORKSPACE).thenComparing(p -> p.skill().orElseThrow().name()))
                .forEach(parsed -> {
                    var skill = parsed.skill().orElseThrow();
                    for (var trigger : skill.triggers()) {
                        var winner = triggers.putIfAbsent(trigger, skill.name());
                        if (winner != null) {
                            problems.add(new SkillProblem(skill.path(), parsed.triggerLines().getOrDefault(trigger, 0),
                                    "duplicate_trigger", "trigger " + trigger + " also belongs to skill '" + winner
                                            + "', which wins; this skill is not reachable by it"));
                        }
                    }
                });
        var loaded = new LinkedHashMap<String, Skill>();
        skills.values().stream().map(p -> p.skill().orElseThrow())
                .sorted(Comparator.comparing(Skill::name)).forEach(s -> loaded.put(s.name(), s));

        var previous = index;
        // a skill whose bytes did not change keeps its instance (and its load time)
        loaded.replaceAll((name, skill) -> {
            var before = previous.skills().get(name);
            return before != null && before.version().equals(skill.version()) && before.path().equals(skill.path())
                    ? before : skill;
        });
        var next = new Index(Collections.unmodifiableMap(loaded), Map.copyOf(triggers),
                List.copyOf(problems), now);
        index = next;
        remember(next);
        announce(previous, next);
        problems.forEach(p -> LOG.warnf("skill problem: %s", p));
        return next;
    }

    private void remember(Index next) {
        next.skills().values().forEach(skill -> {
            var versions = history.computeIfAbsent(skill.name(), k -> new LinkedHashMap<>());
            versions.putIfAbsent(skill.version(), skill);
            while (versions.size() > Math.max(1, config.versionsKept())) {
                versions.remove(versions.keySet().iterator().next());
            }
        });
    }

    private void announce(Index before, Index after) {
        for (var skill : after.skills().values()) {
            var old = before.skills().get(skill.name());
            if (old == null) {
                changes.onNext(new SkillChange(SkillChange.Kind.ADDED, skill, null));
                LOG.infof("skill %s added (version %s, %s)", skill.name(), skill.version(), skill.path());
            } else if (!old.version().equals(skill.version()) || old.source() != skill.source()) {
                changes.onNext(new SkillChange(SkillChange.Kind.CHANGED, skill, old.version()));
                LOG.infof("skill %s changed (version %s -> %s)", skill.name(), old.version(), skill.version());
            }
        }
        for (var old : before.skills().values()) {
            if (!after.skills().containsKey(old.name())) {
                changes.onNext(new SkillChange(SkillChange.Kind.REMOVED, old, old.version()));
                LOG.infof("skill %s removed", old.name());
            }
        }
    }

    /**
     * The skills of one directory: each direct subdirectory holding a SKILL.md. Anything that resolves outside the
     * directory (a symlinked skill directory or file pointing elsewhere) is refused.
     */
    private static List<SkillMarkdown.Parsed> read(Path root, Skill.Source source, Instant now,
            List<SkillProblem> problems) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        Path realRoot;
        List<Path> dirs;
        try (Stream<Path> listing = Files.list(root)) {
            realRoot = root.toRealPath();
            dirs = listing.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            problems.add(new SkillProblem(root.toString(), 0, "unreadable_directory", "cannot list " + root + ": "
                    + e.getMessage()));
            return List.of();
        }
        var out = new ArrayList<SkillMarkdown.Parsed>();
        for (var dir : dirs) {
            String dirName = dir.getFileName().toString();
            String path = dirName + "/" + FILE;
            Path file = dir.resolve(FILE);
            try {
                if (!dir.toRealPath().startsWith(realRoot)
                        || Files.exists(file) && !file.toRealPath().startsWith(realRoot)) {
                    problems.add(new SkillProblem(path, 0, "outside_skills_directory", "refused: " + path
                            + " resolves outside " + root + " (a symlink out of the skills directory)"));
                    continue;
                }
                if (!Files.isRegularFile(file)) {
                    problems.add(new SkillProblem(path, 0, "missing_skill_md", "directory " + dirName
                            + " has no SKILL.md"));
                    continue;
                }
                if (Files.size(file) > SkillMarkdown.MAX_BYTES) {
                    problems.add(new SkillProblem(path, 0, "too_large", "SKILL.md is larger than "
                            + SkillMarkdown.MAX_BYTES + " bytes"));
                    continue;
                }
                var parsed = SkillMarkdown.parse(path, dirName, Files.readAllBytes(file), source, now);
                problems.addAll(parsed.problems());
                parsed.skill().ifPresent(s -> out.add(parsed));
            } catch (IOException e) {
                problems.add(new SkillProblem(path, 0, "unreadable_file", "cannot read " + path + ": "
                        + e.getMessage()));
            }
        }
        return out;
    }

    // --- hot reload ---------------------------------------------------------------------------------------------

    /** The watcher thread: waits for file events, lets them settle, re-reads; re-registers directories as they come. */
    private void watch() {
        try (var service = FileSystems.getDefault().newWatchService()) {
            watchService = service;
            var watched = new HashMap<WatchKey, Path>();
            long rescanEvery = Math.max(1000, config.rescanInterval().toMillis());
            long debounce = Math.max(10, config.reloadDebounce().toMillis());
            long lastScan = System.currentTimeMillis();
            registerAll(service, watched);
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = service.poll(1, TimeUnit.SECONDS);
                boolean changed = false;
                while (key != null) {
                    drain(key, watched);
                    changed = true;
                    key = service.poll(debounce, TimeUnit.MILLISECONDS); // settle: collect what follows quickly
                }
                // a skills directory that did not exist at start may appear later
                boolean newRoot = registerAll(service, watched);
                if (changed || newRoot || System.currentTimeMillis() - lastScan >= rescanEvery) {
                    lastScan = System.currentTimeMillis();
                    try {
                        reload();
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "skill reload failed; the previous index stays in use");
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.errorf(e, "skill directories cannot be watched; changes are picked up every %s",
                    config.rescanInterval());
        }
    }

    private static void drain(WatchKey key, Map<WatchKey, Path> watched) {
        for (var event : key.pollEvents()) {
            if (event.kind() == OVERFLOW) {
                LOG.debug("file events overflowed; re-reading everything");
            }
        }
        if (!key.reset()) {
            watched.remove(key); // the directory is gone
        }
    }

    /** Watches both roots and every skill directory in them; true if something new is now watched. */
    private boolean registerAll(WatchService service, Map<WatchKey, Path> watched) {
        boolean added = false;
        for (var root : List.of(config.systemDir(), config.workspaceDir())) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            added |= register(service, watched, root);
            try (Stream<Path> listing = Files.list(root)) {
                for (var dir : listing.filter(Files::isDirectory).toList()) {
                    added |= register(service, watched, dir);
                }
            } catch (IOException e) {
                LOG.debugf("cannot list %s: %s", root, e.getMessage());
            }
        }
        return added;
    }

    private static boolean register(WatchService service, Map<WatchKey, Path> watched, Path dir) {
        var normalized = dir.toAbsolutePath().normalize();
        if (watched.containsValue(normalized)) {
            return false;
        }
        try {
            watched.put(normalized.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY), normalized);
            return true;
        } catch (IOException e) {
            LOG.debugf("cannot watch %s: %s", dir, e.getMessage());
            return false;
        }
    }
}
