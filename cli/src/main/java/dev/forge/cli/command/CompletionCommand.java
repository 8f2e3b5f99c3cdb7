package dev.forge.cli.command;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion", description = "Print a shell completion script: "
        + "'source <(forge completion bash)' in ~/.bashrc, 'source <(forge completion zsh)' in ~/.zshrc")
public final class CompletionCommand extends Base implements Runnable {

    enum Shell {
        bash, zsh
    }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Override
    public void run() {
        var out = session().printer().out();
        if (shell == Shell.zsh) {
            // picocli's script runs in zsh through its bash-completion emulation
            out.println("autoload -U +X compinit && compinit");
            out.println("autoload -U +X bashcompinit && bashcompinit");
        }
        out.print(AutoComplete.bash("forge", spec.root().commandLine()));
        out.flush();
    }
}
