package io.streamcast.tools;

import io.streamcast.models.cli.UsageError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the deploy/*.sh scripts (the one implementation of starting/stopping real processes). */
final class DeployScripts {
    private DeployScripts() {
    }

    /** The repository root: set by the launcher, else the working directory. */
    static Path home() {
        String home = System.getProperty("streamcast.home");
        Path root = Path.of(home != null ? home : ".").toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("deploy/kafka.sh"))) {
            throw new UsageError("deploy/kafka.sh not found under " + root
                    + "; run streamcast from the repository (./streamcast) or set -Dstreamcast.home");
        }
        return root;
    }

    /** Runs deploy/SCRIPT with the arguments, output straight to the terminal; returns its exit code. */
    static int run(String script, List<String> args) {
        Path root = home();
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(root.resolve("deploy").resolve(script).toString());
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).directory(root.toFile()).inheritIO().start();
            return process.waitFor();
        } catch (IOException e) {
            throw new UsageError("cannot run " + command.get(1) + ": " + e.getMessage() + "; is bash installed?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Adds "--name value" when value is set. */
    static void option(List<String> args, String name, Object value) {
        if (value != null) {
            args.add(name);
            args.add(String.valueOf(value));
        }
    }
}
