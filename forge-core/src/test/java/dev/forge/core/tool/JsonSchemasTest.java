package dev.forge.core.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;

/** Tool arguments against schemas as MCP servers write them: the whole of JSON Schema, not a subset. */
class JsonSchemasTest {

    private static JsonNode json(String text) throws Exception {
        return JsonValues.MAPPER.readTree(text);
    }

    // what the earlier hand-written checker ignored: $ref/$defs, anyOf, oneOf, pattern, minLength, type arrays
    private static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "ticket": {"$ref": "#/$defs/ticketId"},
               "title": {"type": "string", "minLength": 3},
               "assignee": {"type": ["string", "null"]},
               "priority": {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 4},
                                      {"enum": ["low", "high"]}]},
               "labels": {"type": "array", "items": {"anyOf": [{"type": "string", "pattern": "^[a-z-]+$"},
                                                              {"type": "integer"}]}}
             },
             "required": ["ticket", "title"],
             "$defs": {"ticketId": {"type": "string", "pattern": "^[A-Z]+-[0-9]+$"}}}""";

    @Test
    void conformingArgumentsPass() throws Exception {
        assertThat(JsonSchemas.problems(json(SCHEMA), json("""
                {"ticket": "OPS-12", "title": "Disk full", "assignee": null, "priority": "high",
                 "labels": ["infra", 7]}"""))).isEmpty();
    }

    @Test
    void everyKeywordIsEnforcedWithThePathOfEachProblem() throws Exception {
        var problems = JsonSchemas.problems(json(SCHEMA), json("""
                {"ticket": "ops 12", "title": "x", "assignee": 5, "priority": 9, "labels": ["ok", "Not Ok"]}"""));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("arguments.ticket: ").contains("pattern"))
                .anySatisfy(p -> assertThat(p).startsWith("arguments.title: ").contains("3"))
                .anySatisfy(p -> assertThat(p).startsWith("arguments.assignee: ").contains("integer found"))
                .anySatisfy(p -> assertThat(p).startsWith("arguments.priority: "))
                .anySatisfy(p -> assertThat(p).startsWith("arguments.labels[1]: "));
        assertThat(problems).noneMatch(p -> p.startsWith("arguments.labels[0]"));
    }

    @Test
    void aReferenceToAUrlIsNeverFetched() throws Exception {
        try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var schema = json("{\"$ref\": \"http://127.0.0.1:" + server.getLocalPort() + "/schema.json\"}");
            var problems = JsonSchemas.problems(schema, json("{}"));
            assertThat(problems).singleElement().asString().startsWith("the parameter schema cannot be used");
            // a fetch would have connected during the check, and the connection would be waiting in the backlog
            server.setSoTimeout(100);
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void noSchemaMeansNoCheck() throws Exception {
        assertThat(JsonSchemas.problems(null, json("{\"anything\": 1}"))).isEmpty();
    }
}
