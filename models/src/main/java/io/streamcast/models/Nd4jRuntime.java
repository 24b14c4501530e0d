package io.streamcast.models;

import org.nd4j.linalg.factory.Nd4j;

/** Process-wide ND4J settings. */
public final class Nd4jRuntime {
    private Nd4jRuntime() {
    }

    /**
     * Caps ND4J's own and BLAS (OpenMP) threads. On a 2-core machine one thread per network is 2-3x
     * faster than the default (all cores), and several networks in one process do not fight.
     */
    public static void limitThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
    }
}
