package dev.forge.core.flow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Parses and validates flow files; collects every problem across all files before failing. */
public final class FlowLoader {

    private FlowLoader() {
    }

    /** What checking a source found: the blueprint when it parsed, and every problem (none: a valid flow). */
    public record Checked(FlowBlueprint blueprint, List<FlowProblem> problems) {

        public boolean valid() {
            return blueprint != null && problems.isEmpty();
        }
    }

    /** Parses and validates one source and reports every problem, each with its line; never throws for the source. */
    public static Checked check(String file, String source) {
        var result = FlowParser.parse(file, source);
        var problems = new ArrayList<>(result.problems());
        if (result.blueprint() != null) {
            problems.addAll(FlowValidator.validate(result.blueprint()));
        }
        return new Checked(result.blueprint(), List.copyOf(problems));
    }

    /** Parses and validates one source; throws with every problem when it is not a valid flow. */
    public static FlowBlueprint load(String file, String source) {
        var checked = check(file, source);
        if (!checked.problems().isEmpty()) {
            throw new FlowValidationException(checked.problems());
        }
        return checked.blueprint();
    }

    /** Loads every *.yaml / *.yml in a directory; a missing directory holds no flows. */
    public static Map<String, FlowBlueprint> loadDirectory(Path dir) {
        return loadDirectories(List.of(dir));
    }

    /** Loads several directories as one set: a flow name may be defined once across all of them. */
    public static Map<String, FlowBlueprint> loadDirectories(List<Path> dirs) {
        var flows = new LinkedHashMap<String, FlowBlueprint>();
        var problems = new ArrayList<FlowProblem>();
        var files = new ArrayList<Path>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> list = Files.list(dir)) {
                files.addAll(list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                        .sorted().toList());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list flow directory " + dir, e);
            }
        }
        for (Path p : files) {
            String source;
            try {
                source = Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(new FlowProblem(p.toString(), 1, null, "cannot read: " + e.getMessage()));
                continue;
            }
            try {
                var flow = load(p.toString(), source);
                var previous = flows.putIfAbsent(flow.name(), flow);
                if (previous != null) {
                    problems.add(new FlowProblem(p.toString(), 1, null, "flow name '" + flow.name()
                            + "' is already defined in " + previous.file()));
                }
            } catch (FlowValidationException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new FlowValidationException(problems);
        }
        return flows;
    }
}
