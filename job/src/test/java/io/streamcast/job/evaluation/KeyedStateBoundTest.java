package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import java.util.ArrayDeque;
import java.util.Random;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guard against state that grows with time: many sensors at a steady rate over two hours of
 * event time, the shipped defaults (idle TTL 1 h, allowed lateness 1 h, 5 s watermark bound), the
 * assembler and the evaluator wired as in the job with forecasts a while in flight. The keyed state
 * (bytes of a snapshot) and the timers of both operators must stop growing after warm-up: at the end
 * no more than at a quarter of the run plus a little. State kept for the allowed lateness (what the
 * evaluator did before) would double between the two points.
 */
class KeyedStateBoundTest {
    private static final int SENSORS = 100;
    private static final long PERIOD = 10_000; // one reading per sensor every 10 s of event time
    private static final int READINGS_PER_SENSOR = 720; // 2 h
    private static final int T = 4;
    private static final int C = 2;
    private static final int H = 3;
    /** Forecasts reach the evaluator this many readings (of all sensors) after their window. */
    private static final int IN_FLIGHT = 150;

    @ParameterizedTest
    @ValueSource(strings = {"count in-order", "count event-time", "fixed-step in-order", "fixed-step event-time"})
    void keyedStateAndTimersStopGrowingAfterWarmUp(String variant) throws Exception {
        AssemblerConfig steps = variant.startsWith("count") ? AssemblerConfig.count(T, C)
                : AssemblerConfig.fixedStep(T, C, PERIOD).withResample(AssemblerConfig.Resample.MEAN);
        if (variant.endsWith("event-time")) steps = steps.withOrdering(AssemblerConfig.Ordering.EVENT_TIME);
        EvaluationConfig evaluation = EvaluationConfig.of(steps, new float[] {1f, 2f}); // default allowed lateness
        Random rnd = new Random(11);
        ArrayDeque<WindowForecast> inFlight = new ArrayDeque<>();
        long evaluated = 0;
        Size quarter = null;
        try (AssemblyChain c = new AssemblyChain(steps, evaluation)) {
            long newest = Long.MIN_VALUE;
            for (int i = 0; i < READINGS_PER_SENSOR; i++) {
                for (int s = 0; s < SENSORS; s++) {
                    // sensors spread over the period, a little jitter (in order per sensor)
                    long t = i * PERIOD + s * (PERIOD / SENSORS) + rnd.nextInt(50);
                    c.reading(new Reading("sensor-" + s, t, new float[] {rnd.nextFloat(), rnd.nextFloat()}));
                    newest = Math.max(newest, t);
                    for (Window w : c.takeWindows()) inFlight.add(forecastOf(w));
                    while (inFlight.size() > IN_FLIGHT) c.forecast(inFlight.poll());
                    if ((i * SENSORS + s) % 50 == 0) c.watermark(newest - 5_000);
                }
                if (i == READINGS_PER_SENSOR / 4) quarter = Size.of(c);
            }
            Size end = Size.of(c);
            evaluated = c.evaluations().size();
            System.out.printf("%s: at 1/4 %s, at the end %s; %d evaluations%n", variant, quarter, end, evaluated);
            assertTrue(evaluated > SENSORS * (READINGS_PER_SENSOR - T - H - 5L), "forecasts were scored: " + evaluated);
            end.assertAtMost(quarter);
        }
    }

    private static WindowForecast forecastOf(Window w) {
        WindowForecast f = new WindowForecast();
        f.sensorId = w.sensorId;
        f.issuedAt = w.endTime;
        f.modelName = "m";
        f.modelVersion = "1";
        f.head = "flat";
        f.stepMillis = PERIOD;
        f.horizon = H;
        f.channels = C;
        f.values = new float[H * C];
        return f;
    }

    /** Keyed state bytes and event-time timers of both operators. */
    private record Size(long assemblerBytes, int assemblerTimers, long evaluatorBytes, int evaluatorTimers) {
        static Size of(AssemblyChain c) throws Exception {
            return new Size(bytes(c.assembler), c.assembler.numEventTimeTimers(),
                    bytes(c.evaluator), c.evaluator.numEventTimeTimers());
        }

        private static long bytes(AbstractStreamOperatorTestHarness<?> h) throws Exception {
            return h.snapshot(0L, 0L).getManagedKeyedState().getStateSize();
        }

        void assertAtMost(Size earlier) {
            assertTrue(assemblerBytes <= earlier.assemblerBytes * 1.05 + 4096,
                    "assembler state grew: " + earlier + " -> " + this);
            assertTrue(evaluatorBytes <= earlier.evaluatorBytes * 1.05 + 4096,
                    "evaluator state grew: " + earlier + " -> " + this);
            assertTrue(assemblerTimers <= earlier.assemblerTimers + SENSORS / 10, "assembler timers grew: " + earlier + " -> " + this);
            assertTrue(evaluatorTimers <= earlier.evaluatorTimers + SENSORS / 10, "evaluator timers grew: " + earlier + " -> " + this);
            assertEquals(true, evaluatorBytes > 0, "the evaluator holds something to measure");
        }
    }
}
