package dev.forge.core.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads checkpoint states back whole. A checkpoint row holds either a full state (a keyframe: every
 * {@value #KEYFRAME_EVERY} steps, the first checkpoint, and a fork's starting copy) or a {@link StateDelta} against the
 * checkpoint before it; a state is its latest keyframe with the deltas after it applied in step order.
 */
public final class Checkpoints {

    /** How often a full state is stored: bounds how many deltas one read applies. */
    public static final int KEYFRAME_EVERY = 32;

    private static final String RANGE = """
            SELECT step_index, state::text AS state, is_delta FROM workflow_checkpoints
            WHERE run_id = $1 AND step_index <= $2 AND step_index >= COALESCE((
                SELECT max(step_index) FROM workflow_checkpoints
                WHERE run_id = $1 AND step_index <= $2 AND NOT is_delta), 0)
            ORDER BY step_index""";

    private Checkpoints() {
    }

    /** Whether the checkpoint of this step is stored whole. */
    public static boolean keyframe(int stepIndex) {
        return stepIndex % KEYFRAME_EVERY == 0;
    }

    /** One checkpoint as stored. */
    public record Stored(int stepIndex, JsonNode state, boolean delta) {
    }

    /** The whole state at {@code step}, or empty when the run has no checkpoint at that step. */
    public static Uni<Optional<JsonNode>> stateAt(SqlClient client, UUID runId, int step) {
        return client.preparedQuery(RANGE).execute(Tuple.of(runId, step)).map(rows -> {
            var stored = new ArrayList<Stored>();
            rows.forEach(r -> stored.add(stored(r)));
            if (stored.isEmpty() || stored.get(stored.size() - 1).stepIndex() != step) {
                return Optional.empty();
            }
            var states = fold(stored);
            return Optional.of(states.get(states.size() - 1));
        });
    }

    /** Whole states for stored checkpoints in step order (each delta applied to the state before it). */
    public static List<JsonNode> fold(List<Stored> stored) {
        var out = new ArrayList<JsonNode>(stored.size());
        JsonNode current = null;
        for (Stored s : stored) {
            if (!s.delta()) {
                current = s.state();
            } else if (current == null) {
                throw new IllegalStateException("checkpoint " + s.stepIndex() + " is a delta without a base");
            } else {
                current = StateDelta.apply(current, s.state());
            }
            out.add(current);
        }
        return out;
    }

    public static Stored stored(Row r) {
        try {
            return new Stored(r.getInteger("step_index"), JsonValues.MAPPER.readTree(r.getString("state")),
                    r.getBoolean("is_delta"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored checkpoint state is not JSON", e);
        }
    }
}
