package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import java.time.Duration;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.types.Either;

/**
 * Writes the evaluator's state, as a savepoint of this version holds it, for the restore tests of
 * later versions: one sensor "s" (count mode, T=3, C=2, H=2, std [2, 4], allowed lateness 100 ms)
 * with steps at 10 (a window ended) and 20, and the forecast issued at 10 waiting for step 30, with
 * intervals. Run with the test classpath: {@code EvaluatorSnapshotFixture <file>}.
 */
public final class EvaluatorSnapshotFixture {
    static final float[] STD = {2, 4};

    private EvaluatorSnapshotFixture() {
    }

    static EvaluationConfig config() {
        return EvaluationConfig.of(AssemblerConfig.count(3, 2), STD).withAllowedLateness(Duration.ofMillis(100));
    }

    /** The waiting forecast: values step 1 [2, 12], step 2 [4, 10]; every interval [0, 10]. */
    static WindowForecast waitingForecast() {
        WindowForecast f = new WindowForecast();
        f.sensorId = "s";
        f.issuedAt = 10;
        f.modelName = "m";
        f.modelVersion = "1";
        f.head = "flat";
        f.stepMillis = 10;
        f.horizon = 2;
        f.channels = 2;
        f.targets = new String[] {"a", "b"};
        f.targetIndex = new int[] {0, 1};
        f.values = new float[] {2, 12, 4, 10};
        f.lower = new float[] {0, 0, 0, 0};
        f.upper = new float[] {10, 10, 10, 10};
        f.coverage = 0.9f;
        f.producedAt = 1234;
        return f;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: EvaluatorSnapshotFixture <file>");
        try (var h = ForecastEvaluatorTest.evaluatorHarness(new ForecastEvaluator(config()))) {
            h.open();
            h.processElement(Either.Left(new AcceptedStep("s", 10, new float[] {1, 10},
                    new Window("s", 10, 0, new float[] {1, 10}))), 10);
            h.processElement(Either.Left(new AcceptedStep("s", 20, new float[] {3, 14}, null)), 20);
            h.processElement(Either.Right(waitingForecast()), 10);
            OperatorSnapshotUtil.writeStateHandle(h.snapshot(1, 1), args[0]);
        }
    }
}
