package io.streamcast.job.inference;

import io.streamcast.job.records.Window;
import io.streamcast.models.Head;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** A tiny random bundle (T=4, C=2, H=3) and reproducible windows for the inference tests. */
final class TinyModel {
    static final int T = 4;
    static final int C = 2;
    static final int H = 3;
    static final long STEP = 1000;

    private TinyModel() {
    }

    static ModelSpec spec(Head head) {
        return new ModelSpec(T, List.of("load", "temp"), H, head, PerStepTarget.NEXT, 8, 1, "tanh", STEP);
    }

    static Path create(Path dir, String name, Head head) throws Exception {
        Path bundle = dir.resolve(name);
        ModelBundle.createRandom(bundle, name, spec(head), Normalizer.identity(C), 42);
        return bundle;
    }

    /** A flat channel-independent bundle: one univariate network ({@code layers} LSTMs, 0 = linear) for both channels. */
    static Path createChannelIndependent(Path dir, String name, int layers) throws Exception {
        Path bundle = dir.resolve(name);
        ModelSpec spec = new ModelSpec(T, List.of("load", "temp"), H, Head.FLAT, null, 8, layers, "tanh", STEP, null, true);
        ModelBundle.createRandom(bundle, name, spec, Normalizer.identity(C), 42);
        return bundle;
    }

    /** A window whose values depend on sensor and end time only. */
    static Window window(String sensor, long end) {
        Random r = new Random(sensor.hashCode() * 31L + end);
        float[] v = new float[T * C];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return new Window(sensor, end, STEP, v);
    }
}
