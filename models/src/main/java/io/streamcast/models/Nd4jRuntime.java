package io.streamcast.models;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.nd4j.linalg.factory.Nd4j;

/** Process-wide ND4J settings and loading. */
public final class Nd4jRuntime {
    private static FutureTask<Void> loading;

    private Nd4jRuntime() {
    }

    /**
     * Loads ND4J's native backend, once per JVM, on a thread of its own, and waits for it. A thread
     * interrupted while it initialises ND4J (JavaCPP's cache lock is interruptible) leaves the class
     * {@code Nd4j} failed for the life of the JVM ("Could not initialize class"): on a Flink
     * TaskManager, where ND4J is loaded parent-first, a task cancelled during its first start would
     * make every later task on that TaskManager fail. Here only the waiting is interruptible; the
     * loading goes on and the next caller finds it done.
     *
     * @throws InterruptedException if the caller is interrupted while waiting
     */
    public static void ensureLoaded() throws InterruptedException {
        FutureTask<Void> task;
        synchronized (Nd4jRuntime.class) {
            if (loading == null) {
                loading = new FutureTask<>(() -> {
                    Nd4j.getEnvironment();
                    return null;
                });
                Thread t = new Thread(loading, "nd4j-loader");
                t.setDaemon(true);
                t.start();
            }
            task = loading;
        }
        try {
            task.get();
        } catch (ExecutionException e) {
            // the loader's own failure, rethrown as it was (an Error stays an Error)
            if (e.getCause() instanceof Error err) throw err;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException("ND4J could not load its native backend", e.getCause());
        }
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
