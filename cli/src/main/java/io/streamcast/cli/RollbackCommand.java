package io.streamcast.cli;

import io.streamcast.job.reload.ModelStore;
import io.streamcast.models.BundleException;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.ModelSpecs;
import io.streamcast.command.UsageError;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamcast rollback}: points LATEST back at an earlier version, after checking that version still loads. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {
            "Move LATEST of a model in a store back to an earlier (or any existing) version.",
            "The target bundle is verified first (checksum, shapes, finite forecast on a probe window);",
            "a running job with model.store follows LATEST within its model.poll-interval.",
            "",
            "Example:",
            "  ./streamcast rollback --store models/store --name etth1 --to 3"})
public final class RollbackCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, paramLabel = "ROOT", description = "Model store root (directory or a Flink file system URI).")
    String store;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Model name in the store.")
    String name;

    @Option(names = "--to", required = true, paramLabel = "VERSION", description = "Version LATEST should point at.")
    String version;

    @Option(names = "--force", description = "Roll back even if T, C or the head differ from LATEST's (a running job "
            + "would reject the bundle and keep serving the current one).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        ModelStore s;
        List<String> versions;
        String current;
        try {
            s = new ModelStore(store);
            versions = s.versions(name);
            current = s.latest(name);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        if (versions.isEmpty()) {
            throw new UsageError("model store " + store + " has no model '" + name + "'; fix: check --store and --name (publish with 'streamcast publish')");
        }
        if (!versions.contains(version)) {
            throw new UsageError("model '" + name + "' has no version '" + version + "' in " + store
                    + "; fix: use one of " + String.join(", ", versions));
        }
        String uri = s.pointer(name, version).uri;
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "streamcast-bundles");
        try (ModelStore.LocalBundle local = ModelStore.localCopy(uri, tmp);
             ForecastModel target = ForecastModel.load(local.dir())) {
            // loads, verifies and probes: a broken version is never made LATEST
            ModelSpec currentSpec = force || current == null || current.equals(version) ? null : readableSpec(s, current, tmp);
            String diff = currentSpec == null ? null : ModelSpecs.incompatibility(currentSpec, target.spec());
            if (diff != null) {
                throw new UsageError("not rolled back: version " + version + " has " + diff + " against LATEST (version "
                        + current + "); a running job would reject it; fix: pick another version, or --force");
            }
        } catch (BundleException e) {
            throw new UsageError("not rolled back: version " + version + " of '" + name + "' does not verify: " + e.getMessage()
                    + "; fix: pick another version (" + String.join(", ", versions) + ")");
        }
        if (version.equals(current)) {
            System.err.println("LATEST of " + name + " already is " + version + "; nothing changed");
        } else {
            s.setLatest(name, version);
            System.err.println("LATEST of " + name + ": " + current + " -> " + version + " (" + uri + ")");
        }
        System.out.println(version);
        return 0;
    }

    /** The spec of a version, or null if its bundle cannot be read (rolling back from a broken LATEST is allowed). */
    private ModelSpec readableSpec(ModelStore s, String v, Path tmp) {
        try (ModelStore.LocalBundle local = ModelStore.localCopy(s.pointer(name, v).uri, tmp)) {
            return ModelBundle.readManifest(local.dir()).spec();
        } catch (Exception e) {
            return null;
        }
    }
}
