package dev.forge.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;

class CelConditionsTest {

    private static Object json(String text) throws Exception {
        JsonNode node = JsonValues.MAPPER.readTree(text);
        return JsonValues.toCel(node);
    }

    @Test
    void routesOnOutputFields() throws Exception {
        var output = json("{\"category\": \"legal\", \"confidence\": 0.9, \"pages\": 12}");
        assertThat(CelConditions.evaluate("output.category == 'legal'", output, null, null)).isTrue();
        assertThat(CelConditions.evaluate("output.category == 'financial'", output, null, null)).isFalse();
        assertThat(CelConditions.evaluate("output.confidence > 0.8 && output.pages >= 10", output, null, null))
                .isTrue();
    }

    @Test
    void seesInputAndState() throws Exception {
        var input = json("{\"priority\": \"high\", \"tags\": [\"a\", \"b\"]}");
        var state = json("{\"classifier\": {\"category\": \"general\"}}");
        assertThat(CelConditions.evaluate("input.priority == 'high' && 'b' in input.tags", Map.of(), input, state))
                .isTrue();
        assertThat(CelConditions.evaluate("state.classifier.category == 'general'", Map.of(), input, state)).isTrue();
        assertThat(CelConditions.evaluate("has(output.missing)", Map.of(), input, state)).isFalse();
        assertThat(CelConditions.evaluate("size(input.tags) == 2", Map.of(), input, state)).isTrue();
        assertThat(CelConditions.evaluate("input.tags.exists(t, t == 'a')", Map.of(), input, state)).isTrue();
    }

    @Test
    void missingFieldIsAnEvaluationError() {
        assertThatThrownBy(() -> CelConditions.evaluate("output.category == 'legal'", Map.of(), null, null))
                .isInstanceOf(CelConditions.ConditionException.class).hasMessageContaining("output.category");
    }

    @Test
    void checkRejectsSyntaxNonBooleanAndUnknownVariables() {
        assertThat(CelConditions.check("output.x == 1")).isEmpty();
        assertThat(CelConditions.check("output.x ==")).isPresent();
        assertThat(CelConditions.check("1 + 2")).isPresent();
        assertThat(CelConditions.check("other.x == 1")).get().asString().contains("other");
        assertThat(List.of("output", "input", "state")).isEqualTo(CelConditions.variables());
    }
}
