package dev.forge.core.flow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * Route conditions: CEL expressions over {@code output} (the message being routed), {@code input} (the run input)
 * and {@code state} (outputs so far, by executor id). Compiled programs are cached by expression text; CEL programs
 * are immutable and thread-safe.
 */
public final class CelConditions {

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .addVar("output", SimpleType.DYN)
            .addVar("input", SimpleType.DYN)
            .addVar("state", SimpleType.DYN)
            .setResultType(SimpleType.BOOL)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

    private CelConditions() {
    }

    /** Checks an expression; returns the compiler's message when it is not a valid boolean CEL expression. */
    public static Optional<String> check(String expression) {
        try {
            COMPILER.compile(expression).getAst();
            return Optional.empty();
        } catch (CelValidationException e) {
            return Optional.of(e.getErrors().isEmpty() ? e.getMessage()
                    : String.join("; ", e.getErrors().stream().map(i -> i.getMessage()).toList()));
        }
    }

    /**
     * Evaluates a condition. Variables must hold CEL-compatible values (Map, List, String, Long, Double, Boolean, null);
     * see {@code dev.forge.core.json.JsonValues#toCel}.
     *
     * @throws ConditionException when the expression fails at run time (e.g. a missing key)
     */
    public static boolean evaluate(String expression, Object output, Object input, Object state) {
        var program = PROGRAMS.computeIfAbsent(expression, CelConditions::program);
        try {
            var vars = new HashMap<String, Object>();
            vars.put("output", output == null ? Map.of() : output);
            vars.put("input", input == null ? Map.of() : input);
            vars.put("state", state == null ? Map.of() : state);
            return Boolean.TRUE.equals(program.eval(vars));
        } catch (CelEvaluationException e) {
            throw new ConditionException("condition '" + expression + "' failed: " + e.getMessage(), e);
        }
    }

    private static CelRuntime.Program program(String expression) {
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
            return RUNTIME.createProgram(ast);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new ConditionException("condition '" + expression + "' is not valid CEL: " + e.getMessage(), e);
        }
    }

    /** A condition could not be compiled or evaluated. */
    public static class ConditionException extends RuntimeException {
        public ConditionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static List<String> variables() {
        return List.of("output", "input", "state");
    }
}
