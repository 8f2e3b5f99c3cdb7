package dev.forge.cli.command;

import dev.forge.cli.Forge;
import dev.forge.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What each command shares: the invocation's {@link Session}, reached through the root command. */
@Command
abstract class Base {

    @Spec
    CommandSpec spec;

    Session session() {
        return ((Forge) spec.root().userObject()).session();
    }
}
