package io.streamcast.cli.model;

import io.streamcast.command.UsageError;
import io.streamcast.models.BundleException;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Nd4jRuntime;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR --threads N}: the bundle a command loads (a picocli mixin). */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model bundle directory.")
    Path dir;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "ND4J/BLAS threads (default: ${DEFAULT-VALUE}).")
    int threads;

    /** Sets the ND4J thread count and loads the bundle; a bad bundle is a {@link UsageError} (exit 2). */
    ForecastModel load() {
        Nd4jRuntime.limitThreads(threads);
        try {
            return ForecastModel.load(dir);
        } catch (BundleException e) {
            throw new UsageError("model " + dir + ": " + e.getMessage());
        }
    }
}
