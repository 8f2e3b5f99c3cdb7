package dev.forge.api.security;

/** Authentication (401) or authorization (403) refused. */
public class AuthProblem extends RuntimeException {

    private final boolean forbidden;

    AuthProblem(boolean forbidden, String detail) {
        super(detail, null, false, false);
        this.forbidden = forbidden;
    }

    /** true: a valid key whose role is not admitted (403); false: no or an invalid key (401). */
    public boolean forbidden() {
        return forbidden;
    }
}
