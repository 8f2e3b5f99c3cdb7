package dev.forge.core.tool;

import static dev.forge.core.tool.JsonSchemas.object;
import static dev.forge.core.tool.JsonSchemas.properties;
import static dev.forge.core.tool.JsonSchemas.property;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * {@code calculator}: evaluates an arithmetic expression — {@code + - * / % ^}, parentheses, unary signs, the constants
 * {@code pi} and {@code e}, and {@code sqrt abs round floor ceil ln log exp sin cos tan min max pow}. Models are poor
 * at arithmetic; this is exact to double precision and explains what it cannot read.
 */
public final class CalculatorTool extends PureTool {

    public static final String NAME = "calculator";

    private static final ToolSpec SPEC = new ToolSpec(NAME, "Evaluates an arithmetic expression such as "
            + "'(4.1 + 2.3) * 1.18' or 'sqrt(2) ^ 2'.",
            object(properties().set("expression", property("string", "The expression").put("maxLength", 500)),
                    "expression"),
            true);

    public CalculatorTool() {
        super(SPEC);
    }

    @Override
    JsonNode compute(JsonNode arguments) {
        String expression = arguments.get("expression").asText();
        double value = evaluate(expression);
        var out = JsonNodeFactory.instance.objectNode();
        out.put("expression", expression);
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.put("result", (long) value);
        } else {
            out.put("result", value);
        }
        return out;
    }

    public static double evaluate(String expression) {
        var parser = new Parser(expression);
        double value = parser.expression();
        parser.skipSpaces();
        if (parser.pos < expression.length()) {
            throw parser.error("unexpected '" + expression.charAt(parser.pos) + "'");
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new ToolException(ToolException.Kind.INVALID_ARGUMENTS, "'" + expression + "' has no finite value");
        }
        return value;
    }

    private static final class Parser {
        private final String text;
        private int pos;
        private int depth;

        Parser(String text) {
            this.text = text;
        }

        double expression() {
            double value = term();
            while (true) {
                if (eat('+')) {
                    value += term();
                } else if (eat('-')) {
                    value -= term();
                } else {
                    return value;
                }
            }
        }

        double term() {
            double value = power();
            while (true) {
                if (eat('*')) {
                    value *= power();
                } else if (eat('/')) {
                    double divisor = power();
                    if (divisor == 0) {
                        throw error("division by zero");
                    }
                    value /= divisor;
                } else if (eat('%')) {
                    double divisor = power();
                    if (divisor == 0) {
                        throw error("modulo by zero");
                    }
                    value %= divisor;
                } else {
                    return value;
                }
            }
        }

        /** Right-associative: 2^3^2 is 2^9. */
        double power() {
            double base = unary();
            if (eat('^')) {
                return Math.pow(base, power());
            }
            return base;
        }

        double unary() {
            if (eat('-')) {
                return -unary();
            }
            if (eat('+')) {
                return unary();
            }
            return primary();
        }

        double primary() {
            if (++depth > 200) {
                throw error("nested too deeply");
            }
            try {
                if (eat('(')) {
                    double value = expression();
                    expect(')');
                    return value;
                }
                skipSpaces();
                int start = pos;
                if (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                    while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.'
                            || text.charAt(pos) == 'e' || text.charAt(pos) == 'E'
                            || (text.charAt(pos) == '-' || text.charAt(pos) == '+')
                                    && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E'))) {
                        pos++;
                    }
                    try {
                        return Double.parseDouble(text.substring(start, pos));
                    } catch (NumberFormatException e) {
                        throw error("'" + text.substring(start, pos) + "' is not a number");
                    }
                }
                while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
                    pos++;
                }
                String name = text.substring(start, pos).toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    throw error(pos < text.length() ? "unexpected '" + text.charAt(pos) + "'" : "the expression ends "
                            + "too early");
                }
                if (name.equals("pi")) {
                    return Math.PI;
                }
                if (name.equals("e")) {
                    return Math.E;
                }
                expect('(');
                var args = new ArrayList<Double>();
                if (!eat(')')) {
                    do {
                        args.add(expression());
                    } while (eat(','));
                    expect(')');
                }
                return function(name, args);
            } finally {
                depth--;
            }
        }

        private double function(String name, List<Double> args) {
            int n = args.size();
            return switch (name) {
                case "sqrt" -> one(name, args, Math::sqrt);
                case "abs" -> one(name, args, Math::abs);
                case "round" -> one(name, args, x -> (double) Math.round(x));
                case "floor" -> one(name, args, Math::floor);
                case "ceil" -> one(name, args, Math::ceil);
                case "ln" -> one(name, args, Math::log);
                case "log" -> one(name, args, Math::log10);
                case "exp" -> one(name, args, Math::exp);
                case "sin" -> one(name, args, Math::sin);
                case "cos" -> one(name, args, Math::cos);
                case "tan" -> one(name, args, Math::tan);
                case "pow" -> {
                    if (n != 2) {
                        throw error("pow takes 2 arguments, not " + n);
                    }
                    yield Math.pow(args.get(0), args.get(1));
                }
                case "min", "max" -> {
                    if (n == 0) {
                        throw error(name + " needs at least one argument");
                    }
                    yield name.equals("min") ? args.stream().mapToDouble(Double::doubleValue).min().getAsDouble()
                            : args.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
                }
                default -> throw error("unknown function '" + name + "'");
            };
        }

        private double one(String name, List<Double> args, DoubleUnaryOperator f) {
            if (args.size() != 1) {
                throw error(name + " takes 1 argument, not " + args.size());
            }
            return f.applyAsDouble(args.get(0));
        }

        boolean eat(char c) {
            skipSpaces();
            if (pos < text.length() && text.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!eat(c)) {
                throw error("'" + c + "' expected");
            }
        }

        void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        ToolException error(String why) {
            return new ToolException(ToolException.Kind.INVALID_ARGUMENTS, "'" + text + "': " + why + " at "
                    + pos);
        }
    }
}
