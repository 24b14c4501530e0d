package io.streamcast.cli.model;

import io.streamcast.command.UsageError;
import io.streamcast.models.BundleException;
import io.streamcast.models.LocalModelStore;
import io.streamcast.models.ModelBundle;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamcast publish}: copy a verified bundle into a store as the next version. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {
            "Publish a verified model bundle as the next version in a model store.",
            "Layout: ROOT/NAME/VERSION/ (versions 1, 2, ...). ROOT/NAME/LATEST is then",
            "replaced atomically; a running job watches it. Prints the new version.", ""})
public final class PublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec cmd;

    @Parameters(index = "0", paramLabel = "DIR", description = "Model bundle directory.")
    Path dir;

    @Option(names = "--store", required = true, paramLabel = "ROOT", description = "Model store root directory.")
    Path store;

    @Option(names = "--name", paramLabel = "NAME", description = "Name in the store (default: the bundle's name).")
    String name;

    @Override
    public Integer call() throws Exception {
        String n;
        String version;
        try {
            n = name != null ? name : ModelBundle.readManifest(dir).name();
            version = new LocalModelStore(store).publish(dir, n);
        } catch (BundleException e) {
            throw new UsageError("not published: " + e.getMessage());
        }
        cmd.commandLine().getErr().println("published " + n + " version " + version + " to " + store.resolve(n).resolve(version)
                + " (LATEST -> " + version + ")");
        cmd.commandLine().getOut().println(version);
        return 0;
    }
}
