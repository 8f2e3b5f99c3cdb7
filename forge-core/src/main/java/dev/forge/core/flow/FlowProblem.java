package dev.forge.core.flow;

/** One thing wrong with a flow file: where, which executor (when there is one) and what. */
public record FlowProblem(String file, int line, String executorId, String message) {

    @Override
    public String toString() {
        var where = file + ":" + line;
        return executorId == null ? where + ": " + message : where + ": executor '" + executorId + "': " + message;
    }
}
