package io.streamcast.job.inference;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.types.Either;

/** Inference operators' input and output in tests: steps carrying windows in, steps and forecasts out. */
final class InferenceOutput {
    private InferenceOutput() {
    }

    /**
     * Sets the harness up with the inference output's serializer: the harness cannot derive it from
     * an {@link Either} record (it does not say what the other side is). Before open/initializeState.
     */
    static <H extends AbstractStreamOperatorTestHarness<Either<AcceptedStep, WindowForecast>>> H typed(H h) {
        h.setup(Inference.OUTPUT.createSerializer(h.getExecutionConfig().getSerializerConfig()));
        return h;
    }

    /** The assembler's step that completed the window: the window's last row, carrying it. */
    static AcceptedStep step(Window w) {
        return new AcceptedStep(w.sensorId, w.endTime, Arrays.copyOfRange(w.values, w.values.length - TinyModel.C, w.values.length), w);
    }

    /** The forecasts among the output so far (the steps passed through are left out). */
    static List<WindowForecast> forecasts(AbstractStreamOperatorTestHarness<Either<AcceptedStep, WindowForecast>> h) {
        return forecastRecords(h).stream().map(StreamRecord::getValue).toList();
    }

    /** The forecasts' records among the output so far, with their timestamps. */
    static List<StreamRecord<WindowForecast>> forecastRecords(AbstractStreamOperatorTestHarness<Either<AcceptedStep, WindowForecast>> h) {
        List<StreamRecord<WindowForecast>> out = new ArrayList<>();
        for (Object o : withoutSteps(h)) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Either<?, ?> e) {
                WindowForecast f = (WindowForecast) e.right();
                out.add(r.hasTimestamp() ? new StreamRecord<>(f, r.getTimestamp()) : new StreamRecord<>(f)); // not replace(): that changes the output
            }
        }
        return out;
    }

    /** The output so far (forecasts, watermarks, statuses) without the steps passed through. */
    static List<Object> withoutSteps(AbstractStreamOperatorTestHarness<Either<AcceptedStep, WindowForecast>> h) {
        return h.getOutput().stream().filter(o -> !isStep(o)).toList();
    }

    /** The steps passed through so far. */
    static List<AcceptedStep> steps(AbstractStreamOperatorTestHarness<Either<AcceptedStep, WindowForecast>> h) {
        return h.getOutput().stream().filter(InferenceOutput::isStep)
                .map(o -> (AcceptedStep) ((Either<?, ?>) ((StreamRecord<?>) o).getValue()).left()).toList();
    }

    private static boolean isStep(Object o) {
        return o instanceof StreamRecord<?> r && r.getValue() instanceof Either<?, ?> e && e.isLeft();
    }
}
