package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.avro.Forecast;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.ForecastPipeline;
import io.streamcast.job.PipelineSettings;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.testing.FlinkMiniCluster;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.testing.KafkaJobTests;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.data.CsvTimeSeries;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interval coverage through the job: ETTh1's test split (held back: the bundled demo model was trained on
 * the train split and calibrated on the validation split) replayed as one sensor through a real broker
 * and the job in a MiniCluster. The coverage the job reports on the evaluation topic must be exactly the
 * coverage of its own forecasts' [lower, upper] against the actual rows, computed here independently,
 * and must be the nominal 90 % within what the sample size allows.
 */
class IntervalCoverageIT {
    private static final double NOMINAL = 0.9;
    /** Standard errors allowed: |z| > 4 has probability < 1e-4 when the true coverage is nominal. */
    private static final double Z = 4;

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @Test
    void theJobsCoverageIsThatOfItsOwnIntervalsAndNominalOnTheHeldBackSplit() throws Exception {
        Path bundle = Path.of("..", "models", "bundled", "etth1-demo");
        Path data = Path.of("..", "data", "ett", "ETTh1.csv");
        Manifest manifest = ModelBundle.readManifest(bundle);
        ModelSpec spec = manifest.spec();
        int t = spec.window();
        int h = spec.horizon();
        int c = spec.targetCount();
        TimeSeries series = CsvTimeSeries.read(data, spec.channels());
        Split.Range test = Split.standard(data, series.length(), t, null).test();
        int expected = CoverageReplay.scorableWindows(test.end() - test.start(), t, h);

        String bootstrap = KAFKA.bootstrapServers();
        CoverageReplay.Topics topics = CoverageReplay.Topics.named("coverage-" + UUID.randomUUID().toString().substring(0, 8));
        CoverageReplay.createTopics(bootstrap, topics, FlinkMiniCluster.PARALLELISM);
        assertEquals(test.end() - test.start(), CoverageReplay.replay(bootstrap, topics.readings(), "etth1-test", series, test));
        List<String> settings = new ArrayList<>(CoverageReplay.jobSettings(bootstrap, topics, bundle, NOMINAL, FlinkMiniCluster.PARALLELISM));
        settings.add("checkpoint.interval=0");
        JobConfig cfg = JobConfig.load(null, settings);
        StreamExecutionEnvironment env = KafkaJobTests.environment(cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, manifest), KafkaEndpoints.readings(cfg, true), KafkaEndpoints.sinks(cfg));
        env.execute("interval coverage on the ETTh1 test split"); // bounded: ends once the replay is consumed

        List<ForecastEvaluation> evaluations = CoverageReplay.evaluations(
                CoverageReplay.read(bootstrap, topics.evaluations(), expected, Duration.ofMinutes(5), () -> { }));
        assertEquals(expected, evaluations.size(), "one evaluation per test window with H actuals");
        List<Forecast> forecasts = CoverageReplay.forecasts(
                CoverageReplay.read(bootstrap, topics.forecasts(), expected + h, Duration.ofMinutes(5), () -> { }));
        assertEquals(expected + h, forecasts.size(), "one forecast per window");

        // independently of the evaluator (inInterval is a float: equal within 1e-6): each forecast's bounds against the rows that followed its window
        Map<Long, Integer> rowAt = new HashMap<>();
        for (int row = test.start(); row < test.end(); row++) rowAt.put(CoverageReplay.epochMillis(series, row), row);
        Map<Long, double[]> inside = new HashMap<>();
        double[] offline = new double[h];
        for (Forecast f : forecasts) {
            assertEquals(NOMINAL, f.getCoverage(), 1e-6);
            assertEquals(h * c, f.getLower().size(), "bounds for every value");
            int row = rowAt.get(f.getIssuedAt().toEpochMilli());
            if (row + h >= test.end()) continue; // its last steps were never replayed
            double[] in = new double[h];
            for (int s = 0; s < h; s++) {
                int hits = 0;
                for (int k = 0; k < c; k++) {
                    float actual = series.rows()[row + 1 + s][spec.targetIndices()[k]];
                    float lo = f.getLower().get(s * c + k);
                    float hi = f.getUpper().get(s * c + k);
                    assertTrue(lo <= f.getValues().get(s * c + k) && f.getValues().get(s * c + k) <= hi, "forecast inside its interval");
                    if (lo <= actual && actual <= hi) hits++;
                }
                in[s] = (double) hits / c;
                offline[s] += in[s] / expected;
            }
            inside.put(f.getIssuedAt().toEpochMilli(), in);
        }
        assertEquals(expected, inside.size());
        for (ForecastEvaluation e : evaluations) {
            double[] in = inside.get(e.getIssuedAt().toEpochMilli());
            for (int s = 0; s < h; s++) {
                assertEquals(in[s], e.getInInterval().get(s), 1e-6, "inInterval of the forecast at " + e.getIssuedAt() + ", step " + (s + 1));
            }
        }

        CoverageReplay.Coverage job = CoverageReplay.coverage(evaluations);
        assertEquals(NOMINAL, job.nominal(), 1e-6);
        assertEquals(expected, job.forecasts());
        // split-conformal: the expected coverage is between nominal and nominal + 1/(n+1), n calibration windows
        double slack = 1.0 / (manifest.intervals().windows() + 1);
        for (int s = 0; s < h; s++) {
            double se = job.standardError()[s];
            System.out.printf(Locale.ROOT, "step %d: job %.4f, offline %.4f, s.e. %.4f, nominal %.2f%n", s + 1, job.byStep()[s], offline[s], se, NOMINAL);
            assertEquals(offline[s], job.byStep()[s], 1e-6, "the job's coverage at step " + (s + 1) + " is its forecasts' own");
            assertTrue(se > 0 && Double.isFinite(se), "standard error at step " + (s + 1) + ": " + se);
            double z = (job.byStep()[s] - NOMINAL) / se;
            assertTrue(job.byStep()[s] >= NOMINAL - Z * se && job.byStep()[s] <= NOMINAL + slack + Z * se,
                    String.format(Locale.ROOT, "step %d: coverage %.4f is %.1f standard errors (%.4f) from the nominal %.2f",
                            s + 1, job.byStep()[s], z, se, NOMINAL));
        }
    }
}
