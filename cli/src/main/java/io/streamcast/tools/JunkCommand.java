package io.streamcast.tools;

import io.streamcast.command.UsageError;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.ingest.JunkRecords;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast junk}: hostile records for a live readings topic (the fault suite's "junk"
 * scenario) from the job's own seeded generator ({@link JunkRecords}): every kind it knows, each
 * with the dead-letter reason the job must give it. Sensor ids start with "junk-", so they never
 * join a real sensor's windows.
 */
@Command(name = "junk", mixinStandardHelpOptions = true,
        description = {"Send malformed and hostile records to the readings topic (the job must dead-letter each and keep running).",
            "The job's fuzz generator: random bytes, empty/null values and keys, truncated and bit-flipped Avro, length "
                + "bombs, unknown and wrong schema fingerprints, clock bombs, JSON type confusion and deep nesting, "
                + "NaN/Infinity, too many channels, 1 MB sensor ids, records near the broker's maximum size; seeded."})
public final class JunkCommand implements Callable<Integer> {
    @Option(names = "--count", paramLabel = "N", defaultValue = "1000", description = "Records to send (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "sensor-readings", description = "Topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--format", paramLabel = "avro|json", defaultValue = "avro",
            description = "The job's input.format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--channels", defaultValue = "7", description = "The model's channel count (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--seed", defaultValue = "7", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quiet", description = "Only the summary line.")
    boolean quiet;

    @Override
    public Integer call() {
        if (count < 1) throw new UsageError("--count must be at least 1, got " + count);
        if (channels < 1) throw new UsageError("--channels must be at least 1, got " + channels);
        JobConfig.Format wire = switch (format) {
            case "avro" -> JobConfig.Format.AVRO;
            case "json" -> JobConfig.Format.JSON;
            default -> throw new UsageError("--format must be avro or json, got '" + format + "'");
        };
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        // the generator's largest records are a little under the broker's 1 MiB default
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_100_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        JunkRecords junk = new JunkRecords(wire, channels, seed);
        Map<String, Integer> sent = new TreeMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                JunkRecords.Junk j = junk.next();
                producer.send(new ProducerRecord<>(topic, j.key(), j.value()));
                sent.merge(j.reason().name(), 1, Integer::sum);
            }
            producer.flush();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new UsageError("no Kafka broker answers at " + bootstrap + " (" + e.getMessage() + "); pass --bootstrap");
        }
        System.err.println("junk: " + count + " records sent to " + topic
                + (quiet ? "" : "; the dead letters they must become, per reason: " + sent));
        return 0;
    }
}
