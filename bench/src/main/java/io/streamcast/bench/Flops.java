package io.streamcast.bench;

import io.streamcast.models.Head;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.PerStepTarget;

/**
 * Floating-point operations of one forecast, from the model's spec: the matrix products only (a
 * multiply-add counts 2); gate activations, biases and the element-wise LSTM cell update are left out
 * (well under 1% for the reference model).
 */
public final class Flops {
    private Flops() {
    }

    /** One LSTM step of one layer: 4 gates, each {@code W·x (in x U) + R·h (U x U)}. */
    static long lstmStep(int in, int units) {
        return 8L * units * (in + units);
    }

    /** One step through every stacked LSTM layer. */
    static long lstmStack(ModelSpec s) {
        long f = 0;
        for (int l = 0; l < s.layers(); l++) {
            f += lstmStep(l == 0 ? s.networkInputs() : s.units(), s.units());
        }
        return f;
    }

    /** FLOPs of one window's forecast as {@code ForecastModel.predict} computes it. */
    public static long perWindow(ModelSpec s) {
        int c = s.channelCount();
        int u = s.units();
        if (s.head() == Head.FLAT) {
            // LSTM over T steps, then Dense(U -> H*C) on the last state
            // (0 layers: only a Dense over the whole window; channel-independent: per target, input width 1)
            long rows = s.channelIndependent() ? s.targetCount() : 1;
            return rows * (s.window() * lstmStack(s) + 2L * s.denseInputs() * s.networkOutputs());
        }
        long step = lstmStack(s) + 2L * u * c; // LSTM step + Dense(U -> C) at that step
        if (s.perStepTarget() == PerStepTarget.ALIGNED) {
            return s.window() * step;
        }
        // NEXT: the window once (outputs at every step), then H-1 fed-back steps
        return (long) (s.window() + s.horizon() - 1) * step;
    }

    /** FLOPs of one n x n by n x n single-precision matrix product. */
    public static double mmul(int n) {
        return 2.0 * n * n * n;
    }
}
