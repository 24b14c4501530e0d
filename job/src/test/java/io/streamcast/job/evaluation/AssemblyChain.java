package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.assembly.SequenceAssembler;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;

/**
 * The assembler and the evaluator wired as in the job, in test harnesses: readings go into the
 * assembler, its steps into the evaluator; the test plays inference by handing forecasts to
 * {@link #forecast}, and reads the windows the steps carried with {@link #takeWindows}.
 */
final class AssemblyChain implements AutoCloseable {
    final ForecastEvaluator evaluatorFunction;
    final KeyedOneInputStreamOperatorTestHarness<String, Reading, AcceptedStep> assembler;
    final KeyedOneInputStreamOperatorTestHarness<String, Either<AcceptedStep, WindowForecast>, EvaluatedForecast> evaluator;
    private final List<Window> windows = new ArrayList<>();

    AssemblyChain(AssemblerConfig steps, EvaluationConfig evaluation) throws Exception {
        assembler = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SequenceAssembler(steps)),
                (Reading r) -> r.sensorId, Types.STRING);
        evaluatorFunction = new ForecastEvaluator(evaluation);
        evaluator = ForecastEvaluatorTest.evaluatorHarness(evaluatorFunction);
        assembler.open();
        evaluator.open();
    }

    void reading(Reading r) throws Exception {
        assembler.processElement(r, r.timestamp);
        passSteps();
    }

    void watermark(long t) throws Exception {
        assembler.processWatermark(t);
        passSteps();
        evaluator.processWatermark(t);
    }

    void forecast(WindowForecast f) throws Exception {
        evaluator.processElement(Either.Right(f), f.issuedAt);
    }

    /** Windows emitted since the last call. */
    List<Window> takeWindows() {
        List<Window> fresh = new ArrayList<>(windows);
        windows.clear();
        return fresh;
    }

    List<EvaluatedForecast> evaluations() {
        return evaluator.extractOutputValues();
    }

    /** Moves the assembler's steps to the evaluator, keeping their windows for {@link #takeWindows}. */
    @SuppressWarnings("unchecked")
    private void passSteps() throws Exception {
        for (Object o; (o = assembler.getOutput().poll()) != null; ) {
            if (!(o instanceof StreamRecord<?> r)) continue;
            AcceptedStep s = ((StreamRecord<AcceptedStep>) r).getValue();
            if (s.window != null) windows.add(s.window);
            evaluator.processElement(Either.Left(s), s.time);
        }
    }

    @Override
    public void close() throws Exception {
        assembler.close();
        evaluator.close();
    }
}
