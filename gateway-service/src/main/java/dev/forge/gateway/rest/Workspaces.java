package dev.forge.gateway.rest;

/** Until authentication arrives every request acts in the default workspace. */
final class Workspaces {

    static final String DEFAULT = "default";

    private Workspaces() {
    }
}
