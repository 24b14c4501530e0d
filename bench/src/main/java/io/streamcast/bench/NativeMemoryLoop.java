package io.streamcast.bench;

import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Nd4jRuntime;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;

/**
 * The job's inference path in a loop, without Flink or Kafka: does the process's native memory stay
 * flat per forecast? Calls {@link ForecastModel#predict} (what the batched inference operator calls
 * per batch) with batches of 1..maxBatch random windows and prints RSS, JavaCPP's counters and the
 * heap every {@code every} batches; at the end it forces a GC to tell garbage waiting for collection
 * from memory that stays.
 *
 * <pre>
 * java -cp "$(cat cli/target/streamcast.classpath):bench/target/classes:models/target/classes" \
 *   io.streamcast.bench.NativeMemoryLoop [flat|per-step] [batches] [maxBatch] [every]
 * </pre>
 * Run it with {@code -Xmx} near the TaskManager's heap and try {@code MALLOC_ARENA_MAX=2}.
 */
public final class NativeMemoryLoop {
    private NativeMemoryLoop() {
    }

    public static void main(String[] args) throws Exception {
        String head = args.length > 0 ? args[0] : "flat";
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int maxBatch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int every = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
        Nd4jRuntime.limitThreads(1);
        Path dir = Files.createTempDirectory("native-loop");
        ModelSpec spec = "flat".equals(head) ? ReferenceModel.etth1Spec()
                : new ModelSpec(24, List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"), 6, Head.PER_STEP,
                        PerStepTarget.NEXT, 64, 1, "tanh", 3_600_000L);
        ModelBundle.createRandom(dir.resolve("m"), "loop", spec, Normalizer.identity(spec.channelCount()), 7);
        Random rnd = new Random(1);
        long forecasts = 0;
        long start = System.nanoTime();
        try (ForecastModel model = ForecastModel.load(dir.resolve("m"))) {
            System.out.printf("head=%s forward=%s batches=%d maxBatch=%d MALLOC_ARENA_MAX=%s maxPhysicalBytes=%d MiB%n", head,
                    model.fusedKernel() == null ? "dl4j" : model.fusedKernel(), batches, maxBatch, System.getenv("MALLOC_ARENA_MAX"), Pointer.maxPhysicalBytes() >> 20);
            report("start", 0, 0, start);
            for (int i = 1; i <= batches; i++) {
                int n = 1 + rnd.nextInt(maxBatch);
                float[][] windows = new float[n][spec.inputLength()];
                for (float[] w : windows) for (int k = 0; k < w.length; k++) w[k] = (float) rnd.nextGaussian();
                forecasts += model.predict(windows).length;
                if (i % every == 0) report("loop", i, forecasts, start);
            }
            System.gc();
            Thread.sleep(2_000);
            report("after System.gc()", batches, forecasts, start);
            // time to look from outside, e.g. jcmd <pid> System.trim_native_heap: freed but retained by malloc, or leaked?
            for (int s = 0; s < Integer.getInteger("streamcast.loop.hold-seconds", 0); s += 5) {
                Thread.sleep(5_000);
                report("holding", batches, forecasts, start);
            }
        }
    }

    private static void report(String what, int batch, long forecasts, long start) throws IOException {
        Runtime rt = Runtime.getRuntime();
        System.out.printf("%-18s batch %7d forecasts %9d  RSS %6d MiB  javacpp physical %6d MiB total %6d MiB count %7d  heap %4d MiB  %5.1f s%n",
                what, batch, forecasts, rssMiB(), Pointer.physicalBytes() >> 20, Pointer.totalBytes() >> 20,
                Pointer.totalCount(), (rt.totalMemory() - rt.freeMemory()) >> 20, (System.nanoTime() - start) / 1e9);
    }

    private static long rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
        return -1;
    }
}
