package io.streamcast.tools;

import io.streamcast.avro.Forecast;
import io.streamcast.command.UsageError;
import io.streamcast.job.ingest.AvroReadingDecoder;
import io.streamcast.job.ingest.DecodeException;
import io.streamcast.job.records.Reading;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast audit check|recovery}: what the fault suite (deploy/faults.sh) measures, usable
 * on any running pipeline: forecasts against the readings in Kafka, and how long after a fault new
 * forecasts are visible again. Both read forecasts read_committed, as a consumer would.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Check forecasts against the readings in Kafka; time the recovery after a fault.",
            "Used by deploy/faults.sh; works on any pipeline in count mode with Avro readings."},
        subcommands = {AuditCommand.Check.class, AuditCommand.Recovery.class})
public final class AuditCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static class Topics {
        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
                description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).")
        String bootstrap;

        @Option(names = "--forecasts-topic", defaultValue = "forecasts", description = "Default ${DEFAULT-VALUE}.")
        String forecasts;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Every window of T readings of the sensors (count mode) that the watermark has passed "
                    + "must have exactly one forecast (sensorId, issuedAt), visible read_committed.",
                "Prints one summary line (and --json FILE); exit 1 on a duplicated, missing or unexpected forecast."})
    static final class Check implements Callable<Integer> {
        @picocli.CommandLine.Mixin Topics topics = new Topics();

        @Option(names = "--readings-topic", defaultValue = "sensor-readings", description = "Default ${DEFAULT-VALUE}.")
        String readingsTopic;

        @Option(names = "--window", paramLabel = "T", required = true, description = "The model's window (readings per forecast).")
        int window;

        @Option(names = "--sensor-prefix", defaultValue = "sim-",
                description = "Only sensors whose id starts with this (default ${DEFAULT-VALUE}: simulate's); other records are ignored.")
        String sensorPrefix;

        @Option(names = "--out-of-orderness", paramLabel = "MS", defaultValue = "5000",
                description = "The job's watermark.out-of-orderness in ms (default ${DEFAULT-VALUE}).")
        long outOfOrderness;

        @Option(names = "--timeout", paramLabel = "S", defaultValue = "180",
                description = "How long to wait for the due forecasts (default ${DEFAULT-VALUE}).")
        int timeout;

        @Option(names = "--linger", paramLabel = "S", defaultValue = "10",
                description = "Keep reading this long after the last due forecast, to see late duplicates (default ${DEFAULT-VALUE}).")
        int linger;

        @Option(names = "--json", paramLabel = "FILE", description = "Also write the counts as JSON.")
        Path json;

        @Option(names = "--model-version", paramLabel = "V",
                description = "Every forecast must come from this model version (e.g. while a bad bundle is refused).")
        String modelVersion;

        @Override
        public Integer call() throws IOException {
            if (window < 1) throw new UsageError("--window must be at least 1, got " + window);
            ForecastAudit audit = new ForecastAudit(window);
            long skipped = readReadings(audit);
            Set<String> due = audit.due(outOfOrderness, 1000);
            Map<String, Long> otherVersions = new java.util.TreeMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(TopicTail.consumerProperties(topics.bootstrap))) {
                List<TopicPartition> parts = TopicTail.partitions(consumer, topics.bootstrap, topics.forecasts);
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                long lingerUntil = Long.MAX_VALUE;
                while (System.nanoTime() < Math.min(deadline, lingerUntil)) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        Forecast f = Forecast.getDecoder().decode(ByteBuffer.wrap(r.value()));
                        String sensor = f.getSensorId();
                        if (!sensor.startsWith(sensorPrefix)) continue;
                        audit.forecast(sensor, f.getIssuedAt().toEpochMilli());
                        if (modelVersion != null && !modelVersion.equals(f.getModelVersion())) {
                            otherVersions.merge(f.getModelVersion(), 1L, Long::sum);
                        }
                    }
                    if (lingerUntil == Long.MAX_VALUE && audit.complete(due)) {
                        lingerUntil = System.nanoTime() + Duration.ofSeconds(linger).toNanos();
                    }
                }
            }
            ForecastAudit.Result result = audit.result(due);
            System.out.println("audit: " + result.summary()
                    + (modelVersion == null ? "" : otherVersions.isEmpty() ? "; all from model version " + modelVersion
                            : "; forecasts from other versions than " + modelVersion + ": " + otherVersions)
                    + (skipped > 0 ? "; " + skipped + " other records on " + readingsTopic + " ignored" : ""));
            if (json != null) Files.writeString(json, result.json() + System.lineSeparator());
            return result.ok() && otherVersions.isEmpty() ? 0 : 1;
        }

        /** All readings now in the topic (up to the end offsets at the start); returns the records skipped. */
        private long readReadings(ForecastAudit audit) {
            long skipped = 0;
            var props = TopicTail.consumerProperties(topics.bootstrap);
            // the job's decoder: junk on the topic (length bombs) must not make the audit allocate
            AvroReadingDecoder decoder = new AvroReadingDecoder(List.of());
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                List<TopicPartition> parts = TopicTail.partitions(consumer, topics.bootstrap, readingsTopic);
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                Map<TopicPartition, Long> end = consumer.endOffsets(parts);
                while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        Reading reading = decode(decoder, r.value());
                        if (reading == null || !reading.sensorId.startsWith(sensorPrefix)) {
                            skipped++;
                        } else {
                            audit.reading(r.partition(), reading.sensorId, reading.timestamp);
                        }
                    }
                }
            }
            return skipped;
        }

        private static Reading decode(AvroReadingDecoder decoder, byte[] value) {
            try {
                return value == null ? null : decoder.decode(value);
            } catch (DecodeException e) {
                return null; // junk on the topic: the job dead-letters it, the audit ignores it
            }
        }
    }

    @Command(name = "recovery", mixinStandardHelpOptions = true,
            description = {"Follows the forecasts topic (read_committed) from its end and, once FILE holds the fault's "
                    + "time (epoch ms), waits for the first forecast computed after it.",
                "Prints 'ready' when it follows the topic, then 'recovery MS' (fault -> that forecast visible); exit 1 on timeout."})
    static final class Recovery implements Callable<Integer> {
        @picocli.CommandLine.Mixin Topics topics = new Topics();

        @Option(names = "--fault-file", paramLabel = "FILE", required = true,
                description = "Written by whoever injects the fault: the fault's wall-clock time in epoch ms.")
        Path faultFile;

        @Option(names = "--timeout", paramLabel = "S", defaultValue = "300",
                description = "Give up this long after starting (default ${DEFAULT-VALUE}).")
        int timeout;

        @Override
        public Integer call() throws IOException {
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(TopicTail.consumerProperties(topics.bootstrap))) {
                List<TopicPartition> parts = TopicTail.partitions(consumer, topics.bootstrap, topics.forecasts);
                consumer.assign(parts);
                consumer.seekToEnd(parts);
                parts.forEach(consumer::position); // resolve the end now, before the fault
                System.out.println("ready");
                System.out.flush();
                long fault = -1;
                while (System.nanoTime() < deadline) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    long seen = System.currentTimeMillis();
                    if (fault < 0) fault = faultTime();
                    if (fault < 0) continue;
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        Forecast f = Forecast.getDecoder().decode(ByteBuffer.wrap(r.value()));
                        if (f.getProducedAt().toEpochMilli() > fault) {
                            System.out.println("recovery " + (seen - fault));
                            return 0;
                        }
                    }
                }
            }
            System.out.println("recovery none within " + timeout + " s");
            return 1;
        }

        private long faultTime() throws IOException {
            if (!Files.exists(faultFile)) return -1;
            String text = Files.readString(faultFile).strip();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        }
    }
}
