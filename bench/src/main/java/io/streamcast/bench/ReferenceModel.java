package io.streamcast.bench;

import io.streamcast.models.Head;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference model R of the benchmarks: T=10, C=30, LSTM 100 units, H=10, flat head (about 1.10
 * MFLOP per window). Speed does not depend on the weights, so a random (untrained) bundle stands in.
 */
public final class ReferenceModel {
    public static final String NAME = "R";

    private ReferenceModel() {
    }

    public static ModelSpec spec() {
        List<String> channels = new ArrayList<>();
        for (int c = 0; c < 30; c++) channels.add("ch" + c);
        return new ModelSpec(10, channels, 10, Head.FLAT, PerStepTarget.NEXT, 100, 1, "tanh", 0);
    }

    /**
     * The shape of the model the docs train on ETTh1 ({@code train --window 24 --horizon 6 --head flat},
     * default 64 units, the 7 ETT channels, hourly steps): what a user runs with the shipped settings.
     */
    public static ModelSpec etth1Spec() {
        return new ModelSpec(24, List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"), 6, Head.FLAT, PerStepTarget.NEXT,
                64, 1, "tanh", 3_600_000L);
    }

    /** A random bundle of {@link #etth1Spec()} under {@code scratch} (weights change neither speed nor state). */
    public static Path etth1Shaped(Path scratch) throws IOException {
        Path dir = scratch.resolve("model-etth1-shape");
        if (!Files.isRegularFile(dir.resolve(ModelBundle.MANIFEST_FILE))) {
            Files.createDirectories(scratch);
            ModelSpec spec = etth1Spec();
            ModelBundle.createRandom(dir, "etth1-shape", spec, Normalizer.identity(spec.channelCount()), 7);
        }
        return dir.toAbsolutePath();
    }

    /** {@code R} → a fresh random bundle of {@link #spec()} under {@code scratch}; anything else is a bundle path. */
    public static Path resolve(String model, Path scratch) throws IOException {
        if (!NAME.equals(model)) {
            Path dir = Path.of(model).toAbsolutePath();
            if (!Files.isRegularFile(dir.resolve(ModelBundle.MANIFEST_FILE))) {
                throw new io.streamcast.models.InvalidInputException("--model " + model + " has no "
                        + ModelBundle.MANIFEST_FILE + "; fix: pass R (the reference model) or a bundle directory");
            }
            return dir;
        }
        Path dir = scratch.resolve("model-R");
        if (!Files.isRegularFile(dir.resolve(ModelBundle.MANIFEST_FILE))) {
            Files.createDirectories(scratch);
            ModelSpec spec = spec();
            ModelBundle.createRandom(dir, NAME, spec, Normalizer.identity(spec.channelCount()), 7);
        }
        return dir.toAbsolutePath();
    }
}
