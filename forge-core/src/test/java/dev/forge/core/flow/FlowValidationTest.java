package dev.forge.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowValidationTest {

    private static List<FlowProblem> problems(String yaml) {
        try {
            FlowLoader.load("test.yaml", yaml);
            return List.of();
        } catch (FlowValidationException e) {
            return e.problems();
        }
    }

    private static FlowProblem only(String yaml) {
        var p = problems(yaml);
        assertThat(p).hasSize(1);
        return p.get(0);
    }

    @Test
    void shippedFlowsAreValid() {
        var flows = FlowLoader.loadDirectory(Path.of("../config/flows"));
        assertThat(flows).containsKeys("document-review", "support-triage", "research-fanout");
        var review = flows.get("document-review");
        assertThat(review.routingPolicy()).isEqualTo(RoutingPolicy.MESSAGE_DRIVEN);
        assertThat(review.timeout()).hasSeconds(300);
        assertThat(review.executors()).extracting(ExecutorSpec::id).containsExactly("classifier", "router",
                "legal_reviewer", "financial_reviewer", "general_reviewer", "aggregator");
        var router = review.executor("router").orElseThrow();
        assertThat(router.routes()).extracting(Route::target).containsExactly("legal_reviewer", "financial_reviewer");
        assertThat(router.defaultTarget()).isEqualTo("general_reviewer");
        assertThat(review.executor("classifier").orElseThrow().tools()).containsExactly("classify_document");
        assertThat(review.executor("aggregator").orElseThrow().strategy()).isEqualTo(MergeStrategy.CONCATENATE);
        assertThat(flows.get("support-triage").routingPolicy()).isEqualTo(RoutingPolicy.SEQUENTIAL);
        assertThat(flows.get("research-fanout").executor("planner").orElseThrow().outputTo())
                .containsExactly("market_researcher", "technical_researcher");
    }

    @Test
    void versionIsTheContentHash() {
        String yaml = """
                name: a
                executors:
                  - id: x
                    type: llm
                    model: m
                """;
        var v1 = FlowLoader.load("a.yaml", yaml).version();
        assertThat(FlowLoader.load("a.yaml", yaml).version()).isEqualTo(v1);
        assertThat(FlowLoader.load("a.yaml", yaml + "description: changed\n").version()).isNotEqualTo(v1);
    }

    @Test
    void duplicateIdReportedWithLineOfTheDuplicate() {
        var p = only("""
                name: dup
                executors:
                  - id: a
                    type: llm
                    model: m
                    output_to: [b]
                  - id: b
                    type: merge
                  - id: b
                    type: merge
                """);
        assertThat(p.line()).isEqualTo(9);
        assertThat(p.executorId()).isEqualTo("b");
        assertThat(p.message()).contains("duplicate executor id").contains("line 7");
        assertThat(p.toString()).startsWith("test.yaml:9: executor 'b'");
    }

    @Test
    void unknownTypeNamesTheKnownOnes() {
        var p = only("""
                name: t
                executors:
                  - id: a
                    type: lmm
                    model: m
                """);
        assertThat(p.line()).isEqualTo(4);
        assertThat(p.message()).contains("unknown type 'lmm'").contains("llm, conditional, merge");
    }

    @Test
    void missingOutputToTarget() {
        var p = only("""
                name: t
                executors:
                  - id: a
                    type: llm
                    model: m
                    output_to: [nowhere]
                """);
        assertThat(p.executorId()).isEqualTo("a");
        assertThat(p.message()).contains("output_to target 'nowhere'");
    }

    @Test
    void missingRouteTargetReportedAtTheRouteLine() {
        var p = only("""
                name: t
                executors:
                  - id: r
                    type: conditional
                    routes:
                      - condition: "output.x == 1"
                        target: ghost
                      - default: done
                  - id: done
                    type: merge
                """);
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.message()).contains("route target 'ghost'");
    }

    @Test
    void missingDefaultRoute() {
        var p = only("""
                name: t
                executors:
                  - id: r
                    type: conditional
                    routes:
                      - condition: "output.x == 1"
                        target: done
                  - id: done
                    type: merge
                """);
        assertThat(p.message()).contains("no default route");
        assertThat(p.executorId()).isEqualTo("r");
    }

    @Test
    void invalidCelCondition() {
        var all = problems("""
                name: t
                executors:
                  - id: r
                    type: conditional
                    routes:
                      - condition: "output.category == "
                        target: done
                      - condition: "output.count + 1"
                        target: done
                      - condition: "unknown_var == 1"
                        target: done
                      - default: done
                  - id: done
                    type: merge
                """);
        assertThat(all).hasSize(3);
        assertThat(all).allSatisfy(p -> assertThat(p.message()).contains("not a valid boolean CEL expression"));
        assertThat(all).extracting(FlowProblem::line).containsExactly(6, 8, 10);
    }

    @Test
    void cycleIsReportedWithItsPath() {
        var all = problems("""
                name: t
                executors:
                  - id: a
                    type: llm
                    model: m
                    output_to: [b]
                  - id: b
                    type: llm
                    model: m
                    output_to: [c]
                  - id: c
                    type: llm
                    model: m
                    output_to: [a]
                """);
        assertThat(all).hasSize(1);
        assertThat(all.get(0).message()).isEqualTo("cycle: a -> b -> c -> a");
    }

    @Test
    void unreachableExecutor() {
        var p = only("""
                name: t
                executors:
                  - id: a
                    type: llm
                    model: m
                  - id: island
                    type: llm
                    model: m
                """);
        assertThat(p.executorId()).isEqualTo("island");
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.message()).contains("unreachable from the entry executor 'a'");
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        var all = problems("""
                name: many
                routing_policy: sideways
                timeout: soon
                executors:
                  - id: a
                    type: llm
                    output_to: [zz]
                    colour: red
                  - id: b
                    type: teleport
                """);
        assertThat(all).extracting(FlowProblem::message).anySatisfy(m -> assertThat(m).contains("routing_policy"))
                .anySatisfy(m -> assertThat(m).contains("'timeout' must be a positive duration"))
                .anySatisfy(m -> assertThat(m).contains("unknown key 'colour'"))
                .anySatisfy(m -> assertThat(m).contains("unknown type 'teleport'"))
                .anySatisfy(m -> assertThat(m).contains("needs a 'model'"))
                .anySatisfy(m -> assertThat(m).contains("output_to target 'zz'"));
    }

    @Test
    void yamlSyntaxErrorHasALine() {
        var p = only("name: x\nexecutors:\n  - id: a\n    type: [llm\n");
        assertThat(p.message()).startsWith("YAML syntax");
        assertThat(p.line()).isGreaterThan(1);
    }

    @Test
    void sequentialFlowsCannotBranch() {
        var all = problems("""
                name: s
                routing_policy: sequential
                executors:
                  - id: a
                    type: llm
                    model: m
                    output_to: [c]
                  - id: b
                    type: conditional
                    routes:
                      - default: c
                  - id: c
                    type: merge
                """);
        assertThat(all).extracting(FlowProblem::message)
                .anySatisfy(m -> assertThat(m).contains("may only name the next executor ('b')"))
                .anySatisfy(m -> assertThat(m).contains("a sequential flow cannot branch"));
    }

    @Test
    void directoryLoadFailsWithEveryFilesProblems(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("one.yaml"), "name: one\nexecutors:\n  - id: a\n    type: nope\n");
        Files.writeString(dir.resolve("two.yaml"), "name: two\nexecutors:\n  - id: a\n    type: llm\n");
        assertThatThrownBy(() -> FlowLoader.loadDirectory(dir))
                .isInstanceOf(FlowValidationException.class)
                .hasMessageContaining("one.yaml:4: executor 'a': unknown type 'nope'")
                .hasMessageContaining("two.yaml:3: executor 'a': llm executor needs a 'model'");
    }

    @Test
    void sameFlowNameTwiceIsRefused(@TempDir Path dir) throws Exception {
        var flow = "name: same\nexecutors:\n  - id: a\n    type: llm\n    model: m\n";
        Files.writeString(dir.resolve("a.yaml"), flow);
        Files.writeString(dir.resolve("b.yaml"), flow);
        assertThatThrownBy(() -> FlowLoader.loadDirectory(dir)).hasMessageContaining("already defined");
    }

    @Test
    void sendAndWaitNeedTheirChannelAndTarget() {
        var all = problems("""
                name: agents
                executors:
                  - id: tell
                    type: send
                    output_to: [listen]
                  - id: listen
                    type: wait
                    to_session: x
                    output_to: [think]
                  - id: think
                    type: llm
                    model: m
                    channel: nope
                """);
        assertThat(all).extracting(FlowProblem::message)
                .anySatisfy(m -> assertThat(m).contains("send executor needs 'to_session'"))
                .anySatisfy(m -> assertThat(m).contains("send executor needs a 'channel'"))
                .anySatisfy(m -> assertThat(m).contains("wait executor needs a 'channel'"))
                .anySatisfy(m -> assertThat(m).contains("wait executor does not take to_session"))
                .anySatisfy(m -> assertThat(m).contains("llm executor does not take channel"));
        assertThat(FlowLoader.loadDirectory(Path.of("../config/test-flows"))).containsKeys("handoff-waiter",
                "handoff-notifier");
    }

    @Test
    void toolExecutorsNameOneKnownToolAndTheirArguments() {
        var flow = FlowLoader.load("t.yaml", """
                name: t
                executors:
                  - id: stats
                    type: tool
                    tool: text_stats
                    arguments:
                      text: "{{input.document}}"
                """);
        var stats = flow.executor("stats").orElseThrow();
        assertThat(stats.type()).isEqualTo(ExecutorType.TOOL);
        assertThat(stats.tools()).containsExactly("text_stats");
        assertThat(stats.parameters()).containsEntry("text", "{{input.document}}");

        assertThat(only("""
                name: t
                executors:
                  - id: s
                    type: tool
                    tool: pdf_magic
                """).message()).startsWith("unknown tool 'pdf_magic' (built-in: text_stats, regex_extract");
        assertThat(only("""
                name: t
                executors:
                  - id: s
                    type: tool
                """).message()).startsWith("tool executor needs a 'tool'");
        assertThat(only("""
                name: t
                executors:
                  - id: s
                    type: llm
                    model: m
                    tool: calculator
                """).message()).contains("only tool executors take 'tool' and 'arguments'");
    }

    @Test
    void aHumanExecutorParsesItsQuestionSchemaTimeoutAndRoute() throws Exception {
        var flow = FlowLoader.load("hitl.yaml", """
                name: hitl
                routing_policy: message_driven
                executors:
                  - id: ask
                    type: human
                    question: "Ship {{input.title}}?"
                    schema: {type: object, properties: {ok: {type: boolean}}, required: [ok]}
                    timeout: 10m
                    on_timeout: nobody
                    output_to: [ship]
                  - id: ship
                    type: llm
                    model: m
                    interrupt_before: true
                  - id: nobody
                    type: llm
                    model: m
                    interrupt_after: yes
                """);
        var ask = flow.executor("ask").orElseThrow();
        assertThat(ask.human().question()).isEqualTo("Ship {{input.title}}?");
        assertThat(ask.human().answerSchema().get("required").get(0).asText()).isEqualTo("ok");
        assertThat(ask.human().onTimeoutTarget()).isEqualTo("nobody");
        // the timeout route is an edge of the graph (nobody is reachable), the answer goes to output_to
        assertThat(ask.targets()).containsExactly("ship", "nobody");
        assertThat(flow.executor("ship").orElseThrow().interrupts().before()).isTrue();
        assertThat(flow.executor("nobody").orElseThrow().interrupts().after()).isTrue();
    }

    @Test
    void humanExecutorsAndInterruptFlagsAreCheckedWithTheirLines() {
        var all = problems("""
                name: bad-hitl
                routing_policy: message_driven
                executors:
                  - id: ask
                    type: human
                    schema: {type: 12}
                    on_timeout: ghost
                    model: m
                  - id: next
                    type: llm
                    model: m
                    question: "why?"
                    interrupt_before: sometimes
                """).stream().map(FlowProblem::toString).toList();
        assertThat(all).anySatisfy(p -> assertThat(p).contains(":4: executor 'ask': human executor needs a 'question'"))
                .anySatisfy(p -> assertThat(p).contains("executor 'ask': 'schema' is not a usable JSON Schema"))
                .anySatisfy(p -> assertThat(p).contains("executor 'ask': 'on_timeout' needs a 'timeout'"))
                .anySatisfy(p -> assertThat(p).contains("on_timeout target 'ghost' is neither 'fail' nor an executor"))
                .anySatisfy(p -> assertThat(p).contains("executor 'ask': human executor does not take model"))
                .anySatisfy(p -> assertThat(p).contains(":12: executor 'next': only human executors take 'question'"))
                .anySatisfy(p -> assertThat(p).contains(":13: executor 'next': 'interrupt_before' must be true or false"));
    }
}
