package io.streamcast.job.ingest;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Hides the records that will be dead-lettered (timestamp {@code Long.MIN_VALUE} from
 * {@link ReadingTimestamps}) from a watermark generator. They must not move the watermark, and
 * must not count as activity either: with idleness, a partition that receives only junk would
 * otherwise stay "active" with a frozen watermark and hold event time back for every partition.
 */
public final class ValidReadingsOnly implements WatermarkGenerator<Ingested> {
    private final WatermarkGenerator<Ingested> generator;

    public ValidReadingsOnly(WatermarkGenerator<Ingested> generator) {
        this.generator = generator;
    }

    @Override
    public void onEvent(Ingested event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp != Long.MIN_VALUE) generator.onEvent(event, eventTimestamp, output);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        generator.onPeriodicEmit(output);
    }
}
