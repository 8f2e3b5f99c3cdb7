package dev.forge.core.flow;

import java.util.List;
import java.util.stream.Collectors;

/** A flow failed to parse or validate; carries every problem found, not just the first. */
public class FlowValidationException extends RuntimeException {

    private final List<FlowProblem> problems;

    public FlowValidationException(List<FlowProblem> problems) {
        super(problems.size() + " problem(s) in flow definitions:\n  "
                + problems.stream().map(FlowProblem::toString).collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    public List<FlowProblem> problems() {
        return problems;
    }
}
