package io.streamcast.job.output;

import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A side topic (dead letters, late readings) that can never fail the job. Flink's KafkaSink fails
 * the job on any send error, so a record the broker refuses (too large, a timestamp it rejects, a
 * topic that does not exist, an ACL) would restart the job on the same record forever. Here a record
 * that cannot be written is dropped, counted in {@code sideTopic.<name>.recordsDropped}, and logged
 * once per reason with its origin; everything else is written at least once: the writer flushes
 * the producer before every checkpoint, so a record acknowledged by no broker fails the flush's
 * callbacks (dropped and counted) rather than being lost silently. Records are never transactional,
 * even when the job's main output is exactly-once: after a restore a side record may repeat.
 */
public final class SideTopicSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SideTopicSink.class);
    /** Room for the record batch and record headers the producer adds to key + value. */
    static final int RECORD_OVERHEAD = 1024;

    private final String name;
    private final Properties producerConfig;
    private final SideRecords<T> records;

    /**
     * @param name           short name for metrics, logs and the producer's client id (dlq, late)
     * @param producerConfig Kafka client settings (bootstrap, security, ...)
     */
    public SideTopicSink(String name, Properties producerConfig, SideRecords<T> records) {
        this.name = name;
        this.producerConfig = producerConfig;
        this.records = records;
    }

    /** The producer's max.request.size (Kafka's default when not set). */
    public static int maxRequestSize(Properties producerConfig) {
        Object v = producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return v == null ? 1024 * 1024 : Integer.parseInt(v.toString().trim());
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Properties p = new Properties();
        p.putAll(producerConfig);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "streamcast-" + name + "-" + context.getTaskInfo().getIndexOfThisSubtask());
        MetricGroup metrics = context.metricGroup().addGroup("sideTopic", name);
        return new Writer<>(name, new KafkaProducer<>(p), records, maxRequestSize(p),
                metrics.counter("recordsWritten", new ThreadSafeSimpleCounter()),
                metrics.counter("recordsDropped", new ThreadSafeSimpleCounter()));
    }

    static final class Writer<T> implements SinkWriter<T> {
        private final String name;
        private final KafkaProducer<byte[], byte[]> producer;
        private final SideRecords<T> records;
        private final int maxRequestSize;
        private final Counter written;
        private final Counter dropped;
        /** Reasons already logged: the producer's callbacks run on its I/O thread. */
        private final Set<String> logged = ConcurrentHashMap.newKeySet();

        Writer(String name, KafkaProducer<byte[], byte[]> producer, SideRecords<T> records, int maxRequestSize,
               Counter written, Counter dropped) {
            this.name = name;
            this.producer = producer;
            this.records = records;
            this.maxRequestSize = maxRequestSize;
            this.written = written;
            this.dropped = dropped;
        }

        @Override
        public void write(T element, Context context) {
            ProducerRecord<byte[], byte[]> r = records.toRecord(element);
            // the callback keeps only the origin: an element may hold a large original payload
            String origin = records.origin(element);
            long size = size(r);
            if (size > maxRequestSize) {
                drop("too large", origin, size + " bytes, over max.request.size " + maxRequestSize);
                return;
            }
            try {
                producer.send(r, (meta, e) -> {
                    if (e == null) written.inc();
                    else drop(e.getClass().getSimpleName(), origin, e.getMessage());
                });
            } catch (InterruptException e) {
                throw e; // the task is being cancelled
            } catch (KafkaException | IllegalArgumentException e) {
                // e.g. a metadata timeout while the broker is away, or a timestamp the client refuses
                drop(e.getClass().getSimpleName(), origin, e.getMessage());
            }
        }

        private static long size(ProducerRecord<byte[], byte[]> r) {
            long n = RECORD_OVERHEAD + (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
            for (Header h : r.headers()) n += h.key().length() + (h.value() == null ? 0 : h.value().length);
            return n;
        }

        private void drop(String reason, String origin, String detail) {
            dropped.inc();
            if (logged.add(reason)) {
                LOG.warn("side topic {}: dropped the record of {} ({}: {}); further records dropped for this reason are "
                        + "only counted (metric sideTopic.{}.recordsDropped)", name, origin, reason, detail, name);
            }
        }

        /** Called before every checkpoint barrier: everything written so far is acknowledged or counted as dropped. */
        @Override
        public void flush(boolean endOfInput) {
            producer.flush();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
