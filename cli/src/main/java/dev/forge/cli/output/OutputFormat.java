package dev.forge.cli.output;

/** How a command prints what it got: a table for people, JSON or YAML for scripts (the REST API's field names). */
public enum OutputFormat {
    table, json, yaml
}
