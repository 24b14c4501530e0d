package io.streamcast.job.output;

import java.io.Serializable;
import org.apache.kafka.clients.producer.ProducerRecord;

/** How {@link SideTopicSink} turns an element into a Kafka record, and names it in the log. */
public interface SideRecords<T> extends Serializable {
    ProducerRecord<byte[], byte[]> toRecord(T element);

    /** Where the element came from (e.g. topic/partition@offset), for the log line of a record that was dropped. */
    String origin(T element);
}
