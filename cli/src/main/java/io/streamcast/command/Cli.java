package io.streamcast.command;

import io.streamcast.models.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Runs a picocli command tree with streamcast's error conventions. */
public final class Cli {
    /** Exit code for bad arguments and user-fixable problems. */
    public static final int USAGE = 2;

    private Cli() {
    }

    /**
     * Configures error handling: bad arguments and {@link InvalidInputException}s (the CLI's
     * {@link UsageError}, the job's configuration errors, a Keras file that cannot be imported) give one
     * line and exit 2.
     */
    public static CommandLine commandLine(Object root) {
        CommandLine cmd = new CommandLine(root);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("streamcast: " + ex.getMessage() + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            Throwable cause = ex;
            if (cause instanceof InvalidInputException || cause instanceof IllegalArgumentException) {
                err.println("streamcast: " + cause.getMessage());
                if (System.getenv("STREAMCAST_DEBUG") != null) cause.printStackTrace(err);
                return USAGE;
            }
            err.println("streamcast: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            if (System.getenv("STREAMCAST_DEBUG") != null) {
                cause.printStackTrace(err);
            } else {
                err.println("(set STREAMCAST_DEBUG=1 for the stack trace)");
            }
            return 1;
        });
        return cmd;
    }

    /** Parses and runs; returns the exit code. */
    public static int run(Object root, String... args) {
        return commandLine(root).execute(args);
    }
}
