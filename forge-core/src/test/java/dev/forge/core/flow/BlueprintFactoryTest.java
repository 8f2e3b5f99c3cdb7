package dev.forge.core.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forge.core.json.JsonValues;

class BlueprintFactoryTest {

    private final FlowBlueprint base = FlowLoader.loadDirectory(Path.of("../config/flows")).get("document-review");

    @Test
    void overridesApplyToACloneNeverTheSharedCopy() {
        var overrides = new RunOverrides("gpt-4o", Map.of("legal_reviewer", "claude-opus-4-6-special"),
                Map.of("classifier", List.of("other_tool")), 256, Duration.ofSeconds(30), Map.of("temperature", 0.1),
                List.of(), List.of());
        var run = BlueprintFactory.apply(base, overrides);

        assertThat(run.executor("classifier").orElseThrow().model()).isEqualTo("gpt-4o");
        assertThat(run.executor("legal_reviewer").orElseThrow().model()).isEqualTo("claude-opus-4-6-special");
        assertThat(run.executor("classifier").orElseThrow().tools()).containsExactly("other_tool");
        assertThat(run.executor("classifier").orElseThrow().maxTokens()).isEqualTo(256);
        assertThat(run.executor("classifier").orElseThrow().parameters()).containsEntry("temperature", 0.1);
        assertThat(run.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(run.version()).isEqualTo(base.version());

        assertThat(base.executor("classifier").orElseThrow().model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(base.executor("classifier").orElseThrow().tools()).containsExactly("classify_document");
        assertThat(base.timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(base.executor("router").orElseThrow().model()).isNull();
        assertThat(run.executor("router").orElseThrow().model()).isNull();
    }

    @Test
    void aSkillsToolsJoinTheLlmExecutorsOfOneRunOnly() throws Exception {
        var skill = new SkillBinding("extract-tables", "abc123", "/extract-tables", List.of("pdf_reader",
                "classify_document"), Map.of("pages", "1-3"), "totals");
        var run = BlueprintFactory.withSkill(base, skill);

        assertThat(run.executor("classifier").orElseThrow().tools())
                .containsExactly("classify_document", "pdf_reader");
        assertThat(run.executor("router").orElseThrow().tools()).as("not an llm executor").isEmpty();
        assertThat(base.executor("classifier").orElseThrow().tools()).containsExactly("classify_document");
        // pinned in checkpoints as JSON and read back whole
        var json = JsonValues.MAPPER.writeValueAsString(skill);
        assertThat(JsonValues.MAPPER.readValue(json, SkillBinding.class)).isEqualTo(skill);
    }

    @Test
    void slashCommandsAreFoundInTextInputsOnly() throws Exception {
        var m = JsonValues.MAPPER;
        assertThat(SlashCommands.in(m.readTree("\" /summarize style=prose \""))).contains("/summarize style=prose");
        assertThat(SlashCommands.in(m.readTree("{\"text\": \"/extract-tables pages=2\"}")))
                .contains("/extract-tables pages=2");
        assertThat(SlashCommands.in(m.readTree("{\"message\": \"/redact-pii\"}"))).contains("/redact-pii");
        assertThat(SlashCommands.in(m.readTree("\"/ not a command\""))).isEmpty();
        assertThat(SlashCommands.in(m.readTree("\"/2 is a fraction\""))).isEmpty();
        assertThat(SlashCommands.in(m.readTree("{\"doc\": \"/summarize\"}"))).isEmpty();
        assertThat(SlashCommands.in(m.readTree("42"))).isEmpty();
    }

    @Test
    void checkNamesUnknownAndWrongTypedExecutors() {
        var overrides = new RunOverrides(null, Map.of("router", "m", "ghost", "m"), Map.of("nobody", List.of()), null,
                null, Map.of(), List.of("ghost"), List.of());
        assertThat(BlueprintFactory.check(base, overrides)).hasSize(4)
                .anySatisfy(p -> assertThat(p).startsWith("interrupt_before names unknown executor 'ghost'"))
                .anySatisfy(p -> assertThat(p).contains("executor 'router' is conditional, not llm"))
                .anySatisfy(p -> assertThat(p).contains("unknown executor 'ghost'"))
                .anySatisfy(p -> assertThat(p).contains("overrides.tools names unknown executor 'nobody'"));
    }

    @Test
    void overridesJsonIsValidatedField() throws Exception {
        var ok = RunOverridesJson.parse(JsonValues.MAPPER.readTree(
                "{\"model\": \"m\", \"timeout\": \"45s\", \"max_tokens\": 100, \"tools\": {\"classifier\": [\"a\"]}}"));
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.overrides().timeout()).isEqualTo(Duration.ofSeconds(45));
        var bad = RunOverridesJson.parse(JsonValues.MAPPER.readTree(
                "{\"model\": 3, \"max_tokens\": -1, \"timeout\": \"soon\", \"tools\": {\"x\": \"a\"}, \"colour\": 1}"));
        assertThat(bad.problems()).hasSize(5);
    }

    @Test
    void modelsRouteByGlobAndUnroutableOnesAreNamed() {
        var routes = new ModelRoutes(Map.of("claude-*", "anthropic", "gpt-4?", "openai"), ModelRoutes.NONE);
        assertThat(routes.providerFor("claude-opus-4-6")).contains("anthropic");
        assertThat(routes.providerFor("gpt-4o")).contains("openai");
        assertThat(routes.providerFor("llama3")).isEmpty();
        assertThat(routes.unroutable(base)).isEmpty();
        var overridden = BlueprintFactory.apply(base, new RunOverrides("llama3", Map.of(), Map.of(), null, null,
                Map.of(), List.of(), List.of()));
        assertThat(routes.unroutable(overridden)).hasSize(4).first().asString()
                .startsWith("executor 'classifier' uses model 'llama3', which no provider serves");
        assertThat(new ModelRoutes(Map.of(), "scripted").providerFor("anything")).contains("scripted");
    }
}
