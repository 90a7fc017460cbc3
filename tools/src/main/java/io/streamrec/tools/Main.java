package io.streamrec.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the streamrec command-line tools; {@code ./streamrec} calls it for everything that needs Java
 * (topics, readiness, loading data sets).
 */
@Command(name = "streamrec-tools",
        mixinStandardHelpOptions = true,
        version = "streamrec-tools 0.1.0",
        description = "Tools behind ./streamrec: topics, readiness checks, data loading, training, SageMaker deployment.",
        subcommands = {
                CreateTopicsCommand.class,
                WaitReadyCommand.class,
                LoadCommand.class,
                EvalCommand.class,
                WaitProcessedCommand.class,
                TrainCommand.class,
                DeploySageMakerCommand.class,
                io.streamrec.tools.bench.BenchCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static CommandLine commandLine() {
        return withErrorHandler(new CommandLine(new Main()));
    }

    /** A {@link ToolException} ends the command with its one-line message and exit code, no stack trace. */
    static CommandLine withErrorHandler(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof ToolException te) {
                cmd.getErr().println("error: " + te.getMessage());
                cmd.getErr().flush();
                return te.exitCode();
            }
            throw ex;
        });
        return cl;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }
}
