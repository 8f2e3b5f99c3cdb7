package dev.forge.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;

class StateDeltaTest {

    private static JsonNode json(String text) throws Exception {
        return JsonValues.MAPPER.readTree(text);
    }

    @Test
    void aDeltaHoldsOnlyWhatChangedAndRebuildsTheNextState() throws Exception {
        var before = json("""
                {"stepIndex": 1, "outputs": {"a": {"x": 1}}, "status": {"a": "done", "b": "pending"},
                 "inbox": {"b": [{"from": "a", "seq": 1, "payload": "hi"}]}, "trace": ["a"], "input": {"q": 1}}""");
        var after = json("""
                {"stepIndex": 2, "outputs": {"a": {"x": 1}, "b": "bee"}, "status": {"a": "done", "b": "done"},
                 "inbox": {}, "trace": ["a", "b"], "input": {"q": 1}}""");
        var delta = StateDelta.diff(before, after);
        assertThat(delta.toString()).doesNotContain("\"x\"").doesNotContain("\"q\"");
        assertThat(delta.at("/append/trace").toString()).isEqualTo("[\"b\"]");
        assertThat(delta.at("/remove/inbox").toString()).isEqualTo("[\"b\"]");
        assertThat(StateDelta.apply(before, delta)).isEqualTo(after);
        assertThat(before.at("/stepIndex").asInt()).as("the base is not changed").isEqualTo(1);
    }

    @Test
    void replacedShrunkAndDroppedFieldsRoundTrip() throws Exception {
        var before = json("{\"trace\": [\"a\", \"b\"], \"n\": {\"k\": 1}, \"gone\": true, \"s\": \"x\"}");
        var after = json("{\"trace\": [\"c\"], \"n\": 5, \"s\": {\"now\": \"object\"}, \"new\": [1]}");
        assertThat(StateDelta.apply(before, StateDelta.diff(before, after))).isEqualTo(after);
        assertThat(StateDelta.diff(after, after).isEmpty()).isTrue();
    }

    @Test
    void foldingKeyframesAndDeltasGivesEveryState() throws Exception {
        var s0 = json("{\"trace\": [], \"outputs\": {}}");
        var s1 = json("{\"trace\": [\"a\"], \"outputs\": {\"a\": 1}}");
        var s2 = json("{\"trace\": [\"a\", \"b\"], \"outputs\": {\"a\": 1, \"b\": 2}}");
        var states = Checkpoints.fold(List.of(new Checkpoints.Stored(0, s0, false),
                new Checkpoints.Stored(1, StateDelta.diff(s0, s1), true),
                new Checkpoints.Stored(2, StateDelta.diff(s1, s2), true)));
        assertThat(states).containsExactly(s0, s1, s2);
    }
}
