package dev.forge.core.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;

class BuiltinToolsTest {

    private static JsonNode json(String text) throws Exception {
        return JsonValues.MAPPER.readTree(text);
    }

    private static JsonNode call(Tool tool, String arguments) throws Exception {
        var args = json(arguments);
        var problems = JsonSchemas.problems(tool.spec().parameters(), args);
        if (!problems.isEmpty()) {
            throw new ToolException(ToolException.Kind.INVALID_ARGUMENTS, String.join("; ", problems), problems);
        }
        return tool.call(args).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void textStatsCountsWhatAReaderWould() throws Exception {
        var out = call(new TextStatsTool(), "{\"text\": \"Revenue grew. Costs fell!\\n\\nA new paragraph here.\"}");
        assertThat(out.get("words").asInt()).isEqualTo(8);
        assertThat(out.get("sentences").asInt()).isEqualTo(3);
        assertThat(out.get("paragraphs").asInt()).isEqualTo(2);
        assertThat(out.get("lines").asInt()).isEqualTo(3);
        assertThat(call(new TextStatsTool(), "{\"text\": \"\"}").get("words").asInt()).isZero();
    }

    @Test
    void regexExtractReturnsGroupsAndStopsRunawayPatterns() throws Exception {
        var tool = new RegexExtractTool();
        var out = call(tool, "{\"text\": \"total 4.1M, services 2.3M\", \"pattern\": \"(\\\\d+\\\\.\\\\d+)M\", \"group\": 1}");
        assertThat(out.get("matches").toString()).isEqualTo("[\"4.1\",\"2.3\"]");
        assertThat(call(tool, "{\"text\": \"A a\", \"pattern\": \"a\", \"ignore_case\": true, \"all\": false}")
                .get("matches").toString()).isEqualTo("[\"A\"]");
        assertThatThrownBy(() -> call(tool, "{\"text\": \"x\", \"pattern\": \"(a\"}"))
                .hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> call(tool, "{\"text\": \"x\", \"pattern\": \"a\", \"group\": 2}"))
                .hasMessageContaining("group 2 does not exist");
        long started = System.nanoTime();
        assertThatThrownBy(() -> call(tool, "{\"text\": \"" + "a".repeat(40) + "!\", \"pattern\": \"(.*a){25}b\"}"))
                .isInstanceOfSatisfying(ToolException.class, e -> assertThat(e.kind())
                        .isEqualTo(ToolException.Kind.REFUSED));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void jsonPathSelectsByNameIndexWildcardAndDepth() throws Exception {
        var tool = new JsonPathTool();
        String doc = "{\"items\": [{\"sku\": \"a\", \"price\": 3}, {\"sku\": \"b\", \"price\": 5,"
                + " \"parts\": [{\"price\": 1}]}]}";
        assertThat(call(tool, "{\"document\": " + doc + ", \"path\": \"$.items[*].price\"}").get("values")
                .toString()).isEqualTo("[3,5]");
        assertThat(call(tool, "{\"document\": " + doc + ", \"path\": \"$..price\"}").get("count").asInt())
                .isEqualTo(3);
        assertThat(call(tool, "{\"document\": " + doc + ", \"path\": \"$.items[-1]['sku']\"}").get("values")
                .toString()).isEqualTo("[\"b\"]");
        // a document given as a string holding JSON, as a model often passes it
        assertThat(call(tool, "{\"document\": \"{\\\"a\\\": {\\\"b\\\": 7}}\", \"path\": \"$.a.b\"}")
                .get("values").toString()).isEqualTo("[7]");
        assertThatThrownBy(() -> call(tool, "{\"document\": {}, \"path\": \"items\"}"))
                .hasMessageContaining("starts with $");
        assertThatThrownBy(() -> call(tool, "{\"document\": {}, \"path\": \"$[x]\"}"))
                .hasMessageContaining("neither an index");
    }

    @Test
    void calculatorEvaluatesAndExplains() throws Exception {
        assertThat(CalculatorTool.evaluate("(4.1 + 2.3) * 2")).isEqualTo(12.8, Offset
                .offset(1e-9));
        assertThat(CalculatorTool.evaluate("2 ^ 3 ^ 2")).isEqualTo(512);
        assertThat(CalculatorTool.evaluate("-sqrt(16) + max(1, 7, 3) % 4")).isEqualTo(-1);
        assertThat(CalculatorTool.evaluate("1.5e3 / pi * 0")).isZero();
        assertThat(call(new CalculatorTool(), "{\"expression\": \"6 * 7\"}").get("result").asLong()).isEqualTo(42);
        assertThatThrownBy(() -> CalculatorTool.evaluate("1 / 0")).hasMessageContaining("division by zero");
        assertThatThrownBy(() -> CalculatorTool.evaluate("2 +")).hasMessageContaining("ends too early");
        assertThatThrownBy(() -> CalculatorTool.evaluate("foo(1)")).hasMessageContaining("unknown function 'foo'");
        assertThatThrownBy(() -> CalculatorTool.evaluate("(".repeat(300) + "1" + ")".repeat(300)))
                .hasMessageContaining("nested too deeply");
    }

    @Test
    void argumentsAreCheckedAgainstTheSchemaWithEveryProblemListed() throws Exception {
        var schema = new RegexExtractTool().spec().parameters();
        assertThat(JsonSchemas.problems(schema, json("{\"text\": 3, \"group\": -1, \"extra\": true}")))
                .containsExactlyInAnyOrder("arguments: required property 'pattern' not found",
                        "arguments.text: integer found, string expected",
                        "arguments.group: must have a minimum value of 0",
                        "arguments: property 'extra' is not defined in the schema and the schema does not allow "
                                + "additional properties");
        assertThat(JsonSchemas.problems(schema, json("[]"))).containsExactly("arguments: array found, object expected");
        assertThat(BuiltinTools.names()).containsExactly("text_stats", "regex_extract", "json_path", "calculator",
                "http_fetch");
    }
}
