package io.streamcast.job.ingest;

import io.streamcast.job.records.Reading;

/** Bytes of one Kafka record value to a {@link Reading}; not thread-safe, one per subtask. */
public interface ReadingDecoder {
    Reading decode(byte[] bytes) throws DecodeException;
}
