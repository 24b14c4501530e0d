package io.streamcast.process;

import io.streamcast.models.InvalidInputException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the deploy/*.sh scripts (the one implementation of starting/stopping real processes). */
public final class DeployScripts {
    private DeployScripts() {
    }

    /** The repository root: set by the launcher, else the working directory. */
    public static Path home() {
        String home = System.getProperty("streamcast.home");
        Path root = Path.of(home != null ? home : ".").toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("deploy/kafka.sh"))) {
            throw new InvalidInputException("deploy/kafka.sh not found under " + root
                    + "; run streamcast from the repository (./streamcast) or set -Dstreamcast.home");
        }
        return root;
    }

    /** The shaded job jar the build attaches under job/target (what a session cluster runs). */
    public static Path jobJar() throws IOException {
        Path target = home().resolve("job/target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "streamcast-job-*-all.jar")) {
                for (Path candidate : jars) {
                    return candidate;
                }
            }
        }
        return target.resolve("streamcast-job-<version>-all.jar");
    }

    /** Runs deploy/SCRIPT with the arguments, output straight to the terminal; returns its exit code. */
    public static int run(String script, List<String> args) {
        Path root = home();
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(root.resolve("deploy").resolve(script).toString());
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).directory(root.toFile()).inheritIO().start();
            return process.waitFor();
        } catch (IOException e) {
            throw new InvalidInputException("cannot run " + command.get(1) + ": " + e.getMessage() + "; is bash installed?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /**
     * The actions of one deploy script: ACTION [--work-dir DIR] [options]. Each command declares its own
     * --work-dir (the help says what lives there) in a subclass used as its picocli mixin.
     */
    public abstract static class Script {
        private final String name;

        protected Script(String name) {
            this.name = name;
        }

        /** --work-dir, or null for the script's default. */
        protected abstract Path workDir();

        /** ACTION [--work-dir DIR]; callers add their own options. */
        public List<String> args(String action) {
            List<String> args = new ArrayList<>(List.of(action));
            option(args, "--work-dir", workDir());
            return args;
        }

        public int run(List<String> args) {
            return DeployScripts.run(name, args);
        }

        public int run(String action) {
            return run(args(action));
        }
    }

    /** Adds "--name value" when value is set. */
    public static void option(List<String> args, String name, Object value) {
        if (value != null) {
            args.add(name);
            args.add(String.valueOf(value));
        }
    }
}
