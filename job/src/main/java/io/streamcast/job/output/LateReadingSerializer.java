package io.streamcast.job.output;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.ingest.ReadingEncoder;
import io.streamcast.job.records.Reading;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Late-reading topic record: the reading in the input format, key = sensorId, so it can be
 * inspected or replayed like any reading; the record timestamp is the send time (the reading's own
 * time is in the value). Its size is bounded by the input limits: a reading that passed validation
 * has a bounded sensorId and exactly C values.
 */
public final class LateReadingSerializer implements SideRecords<Reading> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final JobConfig.Format format;

    public LateReadingSerializer(String topic, JobConfig.Format format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> toRecord(Reading r) {
        return new ProducerRecord<>(topic, null, (Long) null, r.sensorId.getBytes(StandardCharsets.UTF_8),
                ReadingEncoder.encode(r, format));
    }

    @Override
    public String origin(Reading r) {
        return "late reading " + r.sensorId + "@" + r.timestamp;
    }
}
