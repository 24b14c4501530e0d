package io.streamcast.job.ingest;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Event time of a usable reading; {@code Long.MIN_VALUE} for anything that will be dead-lettered,
 * so that bad records (a timestamp years ahead, say) never advance the watermark.
 */
public final class ReadingTimestamps implements SerializableTimestampAssigner<Ingested> {
    private static final long serialVersionUID = 1L;
    private final ReadingRules rules;

    public ReadingTimestamps(ReadingRules rules) {
        this.rules = rules;
    }

    @Override
    public long extractTimestamp(Ingested in, long kafkaTimestamp) {
        if (in.decoded() && rules.check(in.reading, System.currentTimeMillis()) == null) return in.reading.timestamp;
        return Long.MIN_VALUE;
    }
}
