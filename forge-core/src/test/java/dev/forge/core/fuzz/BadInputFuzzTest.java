package dev.forge.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Assertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.core.checkpoint.StateDelta;
import dev.forge.core.flow.BlueprintFactory;
import dev.forge.core.flow.CelConditions;
import dev.forge.core.flow.FlowLoader;
import dev.forge.core.flow.FlowValidationException;
import dev.forge.core.flow.RunOverridesJson;
import dev.forge.core.json.JsonValues;
import dev.forge.core.testing.RandomJson;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Bad input at scale: mutated and random flow files, CEL conditions, override bodies and states. Each input either
 * works or is refused with a clear error — never another exception, never a hang.
 */
class BadInputFuzzTest {

    private static final Duration BUDGET = Duration.ofSeconds(2);
    private static final List<String> FLOWS = readFlows();

    private static List<String> readFlows() {
        try (var files = Files.list(Path.of("../config/flows"))) {
            return files.sorted().map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A real flow with a few random edits: lines dropped, duplicated, swapped, cut, or characters replaced. */
    static String mutate(String source, long seed) {
        var random = new Random(seed);
        var lines = new ArrayList<>(List.of(source.split("\n", -1)));
        int edits = 1 + random.nextInt(4);
        String[] tokens = { ":", "-", "  ", "\t", "[", "{", "&a", "*a", "!!map", "'", "\"", "#", "type: llm",
            "routing_policy: nonsense", "output_to: [x]", "condition: \"output.x ==\"", "id: dup", "\u0000", "€" };
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int i = random.nextInt(lines.size());
            switch (random.nextInt(6)) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(i, lines.get(i));
                case 2 -> Collections.swap(lines, i, random.nextInt(lines.size()));
                case 3 -> lines.set(i, lines.get(i).substring(0, random.nextInt(lines.get(i).length() + 1)));
                case 4 -> lines.set(i, lines.get(i) + tokens[random.nextInt(tokens.length)]);
                default -> lines.add(i, " ".repeat(random.nextInt(6)) + tokens[random.nextInt(tokens.length)]);
            }
        }
        return String.join("\n", lines);
    }

    private static void loadsOrExplains(String source) {
        Assertions.assertTimeoutPreemptively(BUDGET, () -> {
            try {
                assertThat(FlowLoader.load("fuzz.yaml", source)).isNotNull();
            } catch (FlowValidationException e) {
                assertThat(e.problems()).isNotEmpty().allSatisfy(p -> {
                    assertThat(p.line()).isPositive();
                    assertThat(p.message()).isNotBlank();
                });
            }
        });
    }

    @Property(tries = 400)
    void mutatedFlowsLoadOrAreRefusedWithLines(@ForAll("flowIndex") int flow, @ForAll long seed) {
        loadsOrExplains(mutate(FLOWS.get(flow), seed));
    }

    @Property(tries = 200)
    void arbitraryTextIsRefusedWithLines(@ForAll String text) {
        loadsOrExplains(text);
    }

    @Property(tries = 20)
    void aliasBombsAndDeepNestingAreRefusedQuickly(@ForAll("depth") int depth) {
        var bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++) {
            bomb.append((char) ('a' + i)).append(": &").append((char) ('a' + i)).append(" [")
                    .append(("*" + (char) ('a' + i - 1) + ",").repeat(9)).append("]\n");
        }
        loadsOrExplains(bomb.toString());
        loadsOrExplains("name: deep\nexecutors: " + "[".repeat(depth) + "]".repeat(depth));
    }

    @Provide
    Arbitrary<Integer> flowIndex() {
        return Arbitraries.integers().between(0, FLOWS.size() - 1);
    }

    @Provide
    Arbitrary<Integer> depth() {
        return Arbitraries.integers().between(10, 5_000);
    }

    @Provide
    Arbitrary<String> celish() {
        return Arbitraries.strings().withChars("output.xyinpustae ()[]{}!=<>&|+-*/%\"'0123456789?:,").ofMaxLength(40);
    }

    @Property(tries = 500)
    void celConditionsCompileOrExplainAndEvaluateOrExplain(@ForAll("celish") String expression, @ForAll long seed) {
        Assertions.assertTimeoutPreemptively(BUDGET, () -> {
            var problem = CelConditions.check(expression);
            if (problem.isPresent()) {
                assertThat(problem.get()).isNotBlank();
                return;
            }
            var random = new Random(seed);
            Object output = JsonValues.toCel(RandomJson.value(random, 3));
            Object input = JsonValues.toCel(RandomJson.value(random, 3));
            try {
                CelConditions.evaluate(expression, output, input, Map.of());
            } catch (CelConditions.ConditionException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        });
    }

    @Property(tries = 500)
    void overrideBodiesParseOrListProblems(@ForAll long seed) {
        JsonNode body = RandomJson.value(new Random(seed), 4);
        var parsed = RunOverridesJson.parse(body);
        assertThat(parsed.problems() == null || parsed.problems().stream().allMatch(p -> !p.isBlank())).isTrue();
    }

    /** Found by the property above: a JSON null among the parameters made the override parser throw. */
    @net.jqwik.api.Example
    void aNullParameterIsKeptNotThrown() throws Exception {
        var parsed = RunOverridesJson.parse(JsonValues.MAPPER.readTree("{\"parameters\": {\"x\": null, \"y\": 1}}"));
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.overrides().parameters()).containsEntry("x", null).containsEntry("y", 1);
        var flow = FlowLoader.load("f.yaml", FLOWS.get(0));
        assertThat(BlueprintFactory.apply(flow, parsed.overrides()).executors().get(0)
                .parameters()).containsEntry("x", null);
    }

    @Property(tries = 500)
    void aDeltaAlwaysRebuildsTheNextState(@ForAll long seed) {
        var random = new Random(seed);
        JsonNode before = RandomJson.object(random, 3);
        JsonNode after = random.nextBoolean() ? RandomJson.object(random, 3) : evolve((ObjectNode) before, random);
        assertThat(StateDelta.apply(before, StateDelta.diff(before, after))).isEqualTo(after);
    }

    /** A plausible next state: some entries changed, added, removed, arrays extended. */
    private static JsonNode evolve(ObjectNode before, Random random) {
        ObjectNode after = before.deepCopy();
        for (var name : List.copyOf(iterable(after))) {
            JsonNode value = after.get(name);
            switch (random.nextInt(4)) {
                case 0 -> after.set(name, RandomJson.value(random, 2));
                case 1 -> {
                    if (value.isObject()) {
                        ((ObjectNode) value).set("k" + random.nextInt(5), RandomJson.value(random, 1));
                    }
                }
                case 2 -> {
                    if (value.isArray()) {
                        ((ArrayNode) value).add(RandomJson.value(random, 1));
                    }
                }
                default -> after.remove(name);
            }
        }
        after.set("new" + random.nextInt(3), RandomJson.value(random, 2));
        return after;
    }

    private static List<String> iterable(ObjectNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
