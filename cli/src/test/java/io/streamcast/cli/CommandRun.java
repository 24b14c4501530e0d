package io.streamcast.cli;

import io.streamcast.command.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One {@code streamcast} command line run in this JVM: exit code and what it printed. */
public record CommandRun(int code, String out, String err) {
    public static CommandRun of(String... args) {
        CommandLine cmd = Cli.commandLine(new Streamcast());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }
}
