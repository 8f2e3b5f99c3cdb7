package dev.forge.cli;

/** What {@code forge} exits with, as {@code forge --help} lists them: scripts branch on these, so meanings stay. */
public final class ExitCodes {

    public static final int OK = 0;
    /** The run failed (or was cancelled, timed out), or the server refused the request: invalid input, a conflict. */
    public static final int FAILED = 1;
    /** The command line itself is wrong: an unknown option, a missing argument, an unreadable file. */
    public static final int USAGE = 2;
    /** No valid API key, or its role may not do this. */
    public static final int AUTH = 3;
    public static final int NOT_FOUND = 4;
    /** The server cannot be reached, or answers that it is unavailable. */
    public static final int UNAVAILABLE = 5;

    private ExitCodes() {
    }
}
