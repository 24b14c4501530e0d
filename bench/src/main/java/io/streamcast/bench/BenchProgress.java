package io.streamcast.bench;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.format.OutputFormat;

/** JMH's output replaced by one progress line per iteration ("[3/14] batch=64 threads=1 warm-up 1/2 ..."). */
final class BenchProgress implements OutputFormat {
    private final PrintStream err;
    private final int total;
    private final int warmups;
    private final int iterations;
    private int done;
    private String current = "";

    BenchProgress(PrintStream err, int total, int warmups, int iterations) {
        this.err = err;
        this.total = total;
        this.warmups = warmups;
        this.iterations = iterations;
    }

    @Override
    public void startBenchmark(BenchmarkParams p) {
        String name = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
        StringBuilder sb = new StringBuilder(name);
        for (String k : p.getParamsKeys()) {
            if (!k.equals("bundle")) sb.append(' ').append(k).append('=').append(p.getParam(k));
        }
        sb.append(" threads=").append(p.getThreads());
        current = sb.toString();
        err.printf(Locale.ROOT, "[%d/%d] %s: starting (fork, model load)%n", done + 1, total, current);
    }

    @Override
    public void iteration(BenchmarkParams b, IterationParams p, int iteration) {
    }

    @Override
    public void iterationResult(BenchmarkParams b, IterationParams p, int iteration, IterationResult r) {
        boolean warm = p.getType() == IterationType.WARMUP;
        err.printf(Locale.ROOT, "[%d/%d] %s: %s %d/%d %.1f calls/s%n", done + 1, total, current,
                warm ? "warm-up" : "iteration", iteration, warm ? warmups : iterations, r.getPrimaryResult().getScore());
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        done++;
    }

    void done() {
        err.flush();
    }

    @Override
    public void startRun() {
    }

    @Override
    public void endRun(Collection<RunResult> result) {
    }

    @Override
    public void print(String s) {
    }

    @Override
    public void println(String s) {
        // JMH's own messages: keep only errors and warnings
        if (s != null && (s.contains("ERROR") || s.contains("Exception") || s.startsWith("WARNING"))) err.println(s);
    }

    @Override
    public void flush() {
        err.flush();
    }

    @Override
    public void close() {
    }

    @Override
    public void verbosePrintln(String s) {
    }

    @Override
    public void write(int b) {
    }

    @Override
    public void write(byte[] b) {
    }
}
