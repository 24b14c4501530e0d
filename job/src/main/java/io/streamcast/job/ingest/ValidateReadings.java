package io.streamcast.job.ingest;

import io.streamcast.job.records.Reading;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets usable readings through and sends everything else to {@link #DEAD_LETTERS}, counted per
 * reason in the metric {@code deadLetters.reason.<REASON>} (plus {@code readingsAccepted}).
 */
public class ValidateReadings extends ProcessFunction<Ingested, Reading> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    };

    private static final Logger LOG = LoggerFactory.getLogger(ValidateReadings.class);
    /** Logged by the job client and the first validator subtask when the check is off. */
    public static final String AHEAD_OFF = "validation.max-ahead=0: readings dated any time ahead of the wall clock are accepted "
            + "and move their partition's watermark (replay mode); one producer with a wrong clock can make the readings of "
            + "every sensor on its partition late";

    private final ReadingRules rules;
    private transient Map<DeadLetterReason, Counter> rejected;
    private transient Counter accepted;

    public ValidateReadings(ReadingRules rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) {
        if (!rules.checksAhead() && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            LOG.warn(AHEAD_OFF);
        }
        MetricGroup group = getRuntimeContext().getMetricGroup();
        accepted = group.counter("readingsAccepted");
        rejected = new EnumMap<>(DeadLetterReason.class);
        MetricGroup dlq = group.addGroup("deadLetters");
        for (DeadLetterReason r : DeadLetterReason.values()) {
            // key/value group: reporters such as Prometheus show it as a label reason="..."
            rejected.put(r, dlq.addGroup("reason", r.name()).counter("records"));
        }
    }

    @Override
    public void processElement(Ingested in, Context ctx, Collector<Reading> out) {
        long now = ctx.timerService().currentProcessingTime();
        if (!in.decoded()) {
            reject(ctx, in.reject(DeadLetterReason.valueOf(in.failure), in.failureDetail, now));
            return;
        }
        ReadingRules.Violation v = rules.check(in.reading, now);
        if (v != null) {
            reject(ctx, in.reject(v.reason(), v.detail(), now));
            return;
        }
        accepted.inc();
        out.collect(in.reading);
    }

    private void reject(Context ctx, DeadLetter d) {
        rejected.get(d.reasonCode()).inc();
        ctx.output(DEAD_LETTERS, d);
    }
}
