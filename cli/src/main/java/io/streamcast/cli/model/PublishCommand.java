package io.streamcast.cli.model;

import io.streamcast.command.UsageError;
import io.streamcast.models.BundleException;
import io.streamcast.job.reload.ModelStore;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpecs;
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

    @Option(names = "--store", required = true, paramLabel = "ROOT",
            description = "Model store root: a directory, or a Flink file system URI (s3://..., hdfs://... with the plugin).")
    String store;

    @Option(names = "--name", paramLabel = "NAME", description = "Name in the store (default: the bundle's name).")
    String name;

    @Option(names = "--force", description = "Publish even if T, C or the head differ from LATEST's (a running job "
            + "would reject the bundle and keep serving the current one).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        String n;
        String version;
        try {
            n = name != null ? name : ModelBundle.readManifest(dir).name();
            ModelStore s = new ModelStore(store);
            String latest = s.latest(n);
            if (latest != null && !force) {
                String diff = ModelSpecs.incompatibility(ModelStore.readManifest(s.bundle(n, latest)).spec(),
                        ModelBundle.readManifest(dir).spec());
                if (diff != null) {
                    throw new UsageError("not published: " + diff + " against LATEST (" + n + " version " + latest
                            + "); a running job would reject it; fix: publish under another --name, or --force");
                }
            }
            version = s.publish(dir, n);
        } catch (BundleException e) {
            throw new UsageError("not published: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageError("--name: " + e.getMessage());
        }
        cmd.commandLine().getErr().println("published " + n + " version " + version + " to " + new ModelStore(store).bundle(n, version)
                + " (LATEST -> " + version + ")");
        cmd.commandLine().getOut().println(version);
        return 0;
    }
}
