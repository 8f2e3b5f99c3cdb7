package dev.forge.cli.live;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether stdout is a terminal a person watches (JDK 22 made System.console() non-null for pipes too). */
public final class Terminals {

    private Terminals() {
    }

    public static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            // before JDK 22 a console exists only when stdin and stdout are a terminal
            return true;
        }
    }
}
