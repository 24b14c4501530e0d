package io.streamcast.bench;

import io.streamcast.models.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code streamcast bench jfr FILE}: where the time goes, from a JFR recording (e.g. of
 * {@code bench inference --jfr DIR} or {@code bench e2e --job-jvm-opts -XX:StartFlightRecording=...}):
 * execution and native-method samples by top frame, and by the first frame in a chosen package prefix
 * ("self" and "inclusive" views that fit on a screen).
 */
@Command(name = "jfr", mixinStandardHelpOptions = true,
        description = {"Summarises a JFR recording: samples (jdk.ExecutionSample + jdk.NativeMethodSample) by top frame,",
            "and inclusive counts for methods of the given packages."})
public final class JfrSummaryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A .jfr recording.")
    Path file;

    @Option(names = "--top", defaultValue = "25", description = "Rows per table (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--thread", paramLabel = "SUBSTRING", description = "Only samples of threads whose name contains this.")
    String thread;

    @Option(names = "--packages", split = ",", defaultValue = "io.streamcast,org.deeplearning4j,org.nd4j,org.apache.flink,org.apache.kafka,org.apache.avro",
            description = "Prefixes for the inclusive view (default ${DEFAULT-VALUE}).")
    List<String> packages;

    @Option(names = "--busy-native", split = ",", defaultValue = "org.nd4j,org.bytedeco,java.util.zip",
            description = "Native samples count as CPU only when the calling Java method starts with one of these (threads blocked in "
                    + "epoll/accept are sampled too, but use no CPU) (default ${DEFAULT-VALUE}).")
    List<String> busyNative;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) throw new InvalidInputException(file + " is not a file; fix: pass a .jfr recording");
        Map<String, Integer> selfJava = new HashMap<>();
        Map<String, Integer> selfNative = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                String type = e.getEventType().getName();
                boolean nat = type.equals("jdk.NativeMethodSample");
                if (!nat && !type.equals("jdk.ExecutionSample")) continue;
                if (thread != null) {
                    var t = e.getThread("sampledThread");
                    if (t == null || t.getJavaName() == null || !t.getJavaName().contains(thread)) continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) continue;
                List<RecordedFrame> frames = st.getFrames();
                String topFrame = name(frames.get(0));
                if (nat && busyNative.stream().noneMatch(topFrame::startsWith)) continue; // blocked, not busy
                samples++;
                (nat ? selfNative : selfJava).merge(topFrame, 1, Integer::sum);
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    if (packages.stream().anyMatch(n::startsWith) && seen.add(n)) inclusive.merge(n, 1, Integer::sum);
                }
                String t = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                threads.merge(t == null ? "?" : t.replaceAll("[0-9]+", "N"), 1, Integer::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d busy samples (Java code, and native calls from %s)%n", file, samples, busyNative);
        print("running Java code (jdk.ExecutionSample), by top frame", selfJava, samples);
        print("in native code (jdk.NativeMethodSample), by the Java method that called it", selfNative, samples);
        print("by thread (digits folded)", threads, samples);
        print("inclusive (method anywhere on the stack), packages " + packages, inclusive, samples);
        return 0;
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private void print(String title, Map<String, Integer> counts, int samples) {
        System.out.println();
        System.out.println(title + ":");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %6d  %s%n", 100.0 * e.getValue() / Math.max(1, samples),
                        e.getValue(), e.getKey()));
    }
}
