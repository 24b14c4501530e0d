package io.streamcast.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamcast.models.BundleException;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.InvalidInputException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast bench inference}: JMH, run through its Runner API. For every thread count: predict
 * at each batch size (batch 1 = the per-record path) and the ND4J mmul peak at 1024² and 2048², in the
 * same run; then windows/s, GFLOP/s and the ratios batched/per-record and achieved/peak.
 */
@Command(name = "inference", mixinStandardHelpOptions = true,
        description = {"Inference speed with JMH: windows/s and GFLOP/s per batch size and thread count (batch 1 = the "
                + "per-record path), the ND4J matrix-multiply peak measured in the same run, and the ratios batched/per-record "
                + "and achieved/peak. Default run: a few minutes; --quick: a smoke run (seconds, numbers not meaningful)."})
public final class InferenceBenchCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "R|BUNDLE", defaultValue = "R",
            description = "R (reference model: T=10, C=30, LSTM 100, H=10, flat; random weights) or a bundle directory (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--batch", paramLabel = "B,...", split = ",", description = "Batch sizes (default 1,16,64,256,1024; --quick: 1,64).")
    List<Integer> batches;

    @Option(names = "--threads", paramLabel = "N,...", split = ",", description = "JMH threads, one model and one BLAS thread each (default 1,2; --quick: 1).")
    List<Integer> threads;

    @Option(names = "--mmul", paramLabel = "N,...", split = ",", description = "Matrix sizes of the peak measurement (default 1024,2048; --quick: 512).")
    List<Integer> mmulSizes;

    @Option(names = "--warmup", paramLabel = "I", description = "Warm-up iterations per point (default 2; --quick: 1).")
    Integer warmupIterations;

    @Option(names = "--iterations", paramLabel = "I", description = "Measured iterations per point (default 3; --quick: 1).")
    Integer iterations;

    @Option(names = "--time", paramLabel = "S", description = "Seconds per iteration (default 2; --quick: 1).")
    Integer iterationSeconds;

    @Option(names = "--forks", paramLabel = "F", defaultValue = "1", description = "JVM forks per point (default ${DEFAULT-VALUE}; 0 = in this JVM).")
    int forks;

    @Option(names = "--impl", paramLabel = "I,...", split = ",", defaultValue = "fused",
            description = "Forward passes to measure predict with: fused (shipped default, = java), java (plain Java on the heap), "
                    + "block (one libnd4j lstmBlock op per layer), layer (one lstmLayer op per layer: faster, leaks native memory), dl4j (DL4J's output()) (default ${DEFAULT-VALUE}).")
    List<String> impls;

    @Option(names = "--forward", description = "Also compare the bare forward pass: DL4J's output(), JavaLstmForward (shipped), FusedLstmForward on lstmBlock and on lstmLayer, and GemmLstmForward (experiment).")
    boolean forward;

    @Option(names = "--quick", description = "Smoke run: small matrices, few points, short iterations.")
    boolean quick;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the results as JSON to OUT.")
    Path json;

    @Option(names = "--jfr", paramLabel = "DIR", description = "Record every fork with Java Flight Recorder into DIR (summarise with 'bench jfr FILE').")
    Path jfr;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch (the R bundle) (default: <repo>/work/bench).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        List<Integer> bs = batches != null ? batches : quick ? List.of(1, 64) : List.of(1, 16, 64, 256, 1024);
        List<Integer> ts = threads != null ? threads : quick ? List.of(1) : List.of(1, 2);
        List<Integer> ns = mmulSizes != null ? mmulSizes : quick ? List.of(512) : List.of(1024, 2048);
        int warm = warmupIterations != null ? warmupIterations : quick ? 1 : 2;
        int iters = iterations != null ? iterations : quick ? 1 : 3;
        int secs = iterationSeconds != null ? iterationSeconds : quick ? 1 : 2;
        check(bs, "--batch");
        check(ts, "--threads");
        check(ns, "--mmul");
        for (String i : impls) {
            if (!List.of("fused", "java", "block", "layer", "dl4j").contains(i)) {
                throw new InvalidInputException("--impl " + i + " is not valid; fix: a list of fused, java, block, layer, dl4j");
            }
        }
        if (warm < 0 || iters < 1 || secs < 1 || forks < 0) {
            throw new InvalidInputException("--warmup >= 0, --iterations >= 1, --time >= 1 and --forks >= 0 are needed");
        }
        Path bundle = ReferenceModel.resolve(model, BenchPaths.work(workDir));
        ModelSpec spec = spec(bundle);
        long flops = Flops.perWindow(spec);
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "streamcast bench inference: model %s (%s), %.3f MFLOP/window%n", model, describe(spec), flops / 1e6);
        out.println("machine: " + Machine.oneLine());
        int total = ts.size() * (bs.size() * (impls.size() + (forward ? ForwardPassBenchmark.IMPLS : 0)) + ns.size());
        BenchProgress progress = new BenchProgress(System.err, total, warm, iters);

        List<Map<String, Object>> points = new ArrayList<>();
        List<Map<String, Object>> peaks = new ArrayList<>();
        List<Map<String, Object>> forwardPoints = new ArrayList<>();
        for (int t : ts) {
            for (RunResult r : run(options(warm, iters, secs, t).include(InferenceBenchmark.class.getName() + ".predict")
                    .param("bundle", bundle.toString()).param("batch", strings(bs)).param("impl", impls.toArray(String[]::new)), progress)) {
                int batch = Integer.parseInt(r.getParams().getParam("batch"));
                var stats = r.getPrimaryResult().getStatistics();
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("threads", t);
                p.put("impl", r.getParams().getParam("impl"));
                p.put("batch", batch);
                p.put("windowsPerSec", stats.getMean() * batch);
                p.put("windowsPerSecMin", stats.getMin() * batch);
                p.put("windowsPerSecMax", stats.getMax() * batch);
                p.put("gflops", stats.getMean() * batch * flops / 1e9);
                points.add(p);
            }
            if (forward) {
                for (RunResult r : run(options(warm, iters, secs, t).include(ForwardPassBenchmark.class.getName() + ".forward")
                        .param("bundle", bundle.toString()).param("batch", strings(bs)), progress)) {
                    int batch = Integer.parseInt(r.getParams().getParam("batch"));
                    var stats = r.getPrimaryResult().getStatistics();
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("threads", t);
                    p.put("batch", batch);
                    p.put("impl", r.getParams().getParam("impl"));
                    p.put("windowsPerSec", stats.getMean() * batch);
                    p.put("windowsPerSecMin", stats.getMin() * batch);
                    p.put("windowsPerSecMax", stats.getMax() * batch);
                    p.put("gflops", stats.getMean() * batch * flops / 1e9);
                    forwardPoints.add(p);
                }
            }
            for (RunResult r : run(options(warm, iters, secs, t).include(MmulBenchmark.class.getName() + ".mmul")
                    .param("n", strings(ns)), progress)) {
                int n = Integer.parseInt(r.getParams().getParam("n"));
                var stats = r.getPrimaryResult().getStatistics();
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("threads", t);
                p.put("n", n);
                p.put("gflops", stats.getMean() * Flops.mmul(n) / 1e9);
                p.put("gflopsMin", stats.getMin() * Flops.mmul(n) / 1e9);
                p.put("gflopsMax", stats.getMax() * Flops.mmul(n) / 1e9);
                peaks.add(p);
            }
        }
        progress.done();
        InferenceReport report = new InferenceReport(points, peaks);
        report.print(out);
        if (!forwardPoints.isEmpty()) {
            out.println();
            out.println("forward pass only (network space, [B,C,T] in, float[B][H*C] out):");
            out.println("threads  batch  impl      windows/s (min-max)            GFLOP/s   % of peak");
            for (Map<String, Object> p : forwardPoints) {
                out.printf(Locale.ROOT, "%7d  %5d  %-6s  %10.0f (%8.0f-%8.0f)  %8.2f   %8.1f%%%n", p.get("threads"), p.get("batch"), p.get("impl"),
                        p.get("windowsPerSec"), p.get("windowsPerSecMin"), p.get("windowsPerSecMax"), p.get("gflops"),
                        100 * (double) p.get("gflops") / report.peak((int) p.get("threads")));
            }
        }

        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("benchmark", "inference");
            doc.put("machine", Machine.describe());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model);
            m.put("bundle", bundle.toString());
            m.put("spec", describe(spec));
            m.put("flopsPerWindow", flops);
            doc.put("model", m);
            doc.put("jmh", Map.of("warmupIterations", warm, "iterations", iters, "iterationSeconds", secs, "forks", forks));
            doc.put("points", points);
            doc.put("mmulPeak", peaks);
            doc.put("ratios", report.ratios());
            if (!forwardPoints.isEmpty()) doc.put("forwardPass", forwardPoints);
            if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
            out.println("JSON: " + json);
        }
        return 0;
    }

    private ChainedOptionsBuilder options(int warm, int iters, int secs, int t) throws java.io.IOException {
        ChainedOptionsBuilder o = new OptionsBuilder();
        if (jfr != null) {
            Files.createDirectories(jfr);
            // a directory as filename: each fork dumps its own recording there on exit
            o = o.jvmArgsAppend("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfr.toAbsolutePath() + "/");
        }
        return o
                .forks(forks)
                .threads(t)
                .warmupIterations(warm)
                .warmupTime(TimeValue.seconds(secs))
                .measurementIterations(iters)
                .measurementTime(TimeValue.seconds(secs))
                .shouldFailOnError(true);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options, BenchProgress progress) throws RunnerException {
        return new Runner(options.build(), progress).run();
    }

    private static ModelSpec spec(Path bundle) {
        try {
            return ModelBundle.readManifest(bundle).spec();
        } catch (BundleException e) {
            throw new InvalidInputException("--model " + bundle + " cannot be read: " + e.getMessage() + "; fix: pass R or a bundle written by 'streamcast train'");
        }
    }

    static String describe(ModelSpec s) {
        return "T=" + s.window() + " C=" + s.channelCount() + " LSTM " + s.units() + (s.layers() > 1 ? "x" + s.layers() : "")
                + " H=" + s.horizon() + " " + s.head().cliName();
    }

    private static String[] strings(List<Integer> xs) {
        return xs.stream().map(String::valueOf).toArray(String[]::new);
    }

    private static void check(List<Integer> xs, String name) {
        if (xs.isEmpty() || xs.stream().anyMatch(x -> x == null || x < 1)) {
            throw new InvalidInputException(name + " needs positive whole numbers, e.g. " + name + " 1,64");
        }
    }
}
