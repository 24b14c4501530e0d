package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.assembly.SequenceAssembler;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * The assembler and the evaluator wired as in the job, in test harnesses: readings go into the
 * assembler, its accepted steps into the evaluator; the test plays inference by handing forecasts to
 * {@link #forecast}, and reads the windows with {@link #takeWindows}.
 */
final class AssemblyChain implements AutoCloseable {
    final ForecastEvaluator evaluatorFunction;
    final KeyedOneInputStreamOperatorTestHarness<String, Reading, Window> assembler;
    final KeyedTwoInputStreamOperatorTestHarness<String, AcceptedStep, WindowForecast, EvaluatedForecast> evaluator;

    AssemblyChain(AssemblerConfig steps, EvaluationConfig evaluation) throws Exception {
        assembler = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SequenceAssembler(steps)),
                (Reading r) -> r.sensorId, Types.STRING);
        evaluatorFunction = new ForecastEvaluator(evaluation);
        evaluator = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(evaluatorFunction),
                (AcceptedStep s) -> s.sensorId, (WindowForecast f) -> f.sensorId, Types.STRING);
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
        evaluator.processBothWatermarks(new Watermark(t));
    }

    void forecast(WindowForecast f) throws Exception {
        evaluator.processElement2(f, f.issuedAt);
    }

    /** Windows emitted since the last call (taken out of the harness's output). */
    @SuppressWarnings("unchecked")
    List<Window> takeWindows() {
        List<Window> fresh = new ArrayList<>();
        for (Object o; (o = assembler.getOutput().poll()) != null; ) {
            if (o instanceof StreamRecord<?> r) fresh.add(((StreamRecord<Window>) r).getValue());
        }
        return fresh;
    }

    List<EvaluatedForecast> evaluations() {
        return evaluator.extractOutputValues();
    }

    private void passSteps() throws Exception {
        Queue<StreamRecord<AcceptedStep>> steps = assembler.getSideOutput(SequenceAssembler.STEPS);
        if (steps == null) return;
        for (StreamRecord<AcceptedStep> s; (s = steps.poll()) != null; ) {
            evaluator.processElement1(s.getValue(), s.getValue().time);
        }
    }

    @Override
    public void close() throws Exception {
        assembler.close();
        evaluator.close();
    }
}
