package io.streamcast.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.avro.Forecast;
import io.streamcast.avro.SensorReading;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.records.AvroSingleObject;
import io.streamcast.command.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** simulate and tail against a real (in-JVM, KRaft) Kafka broker. */
class SimulateAndTailIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @Test
    void simulateProducesKeyedAvroReadingsInOrderPerSensor() throws Exception {
        KAFKA.createTopics(2, "readings-avro");
        long before = System.currentTimeMillis();
        int rc = run(new SimulateCommand(), new StringWriter(), "--synthetic", "4", "--count", "200", "--rate", "2000",
                "--quiet", "--bootstrap", KAFKA.bootstrapServers(), "--topic", "readings-avro");
        assertEquals(0, rc);
        List<ConsumerRecord<String, byte[]>> records = readAll("readings-avro", 200);
        assertEquals(200, records.size());
        Map<String, Long> lastTimestamp = new HashMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            SensorReading reading = SensorReading.getDecoder().decode(ByteBuffer.wrap(record.value()));
            assertEquals(record.key(), reading.getSensorId(), "key = sensor id");
            assertEquals(7, reading.getValues().size());
            long ts = reading.getTimestamp().toEpochMilli();
            assertTrue(ts >= before && ts <= System.currentTimeMillis(), "current wall-clock timestamp");
            Long previous = lastTimestamp.put(reading.getSensorId(), ts);
            assertTrue(previous == null || previous <= ts, "per-sensor order");
            Integer partition = partitionOf.put(reading.getSensorId(), record.partition());
            assertTrue(partition == null || partition == record.partition(), "one partition per sensor");
        }
        assertEquals(4, lastTimestamp.size());
    }

    @Test
    void simulateWritesJsonWithFixedSteps() throws Exception {
        KAFKA.createTopics(1, "readings-json");
        int rc = run(new SimulateCommand(), new StringWriter(), "--data", "../data/ett/ETTh1.csv", "--sensors", "2",
                "--count", "6", "--rate", "1000", "--format", "json", "--step-millis", "3600000", "--quiet",
                "--bootstrap", KAFKA.bootstrapServers(), "--topic", "readings-json");
        assertEquals(0, rc);
        List<ConsumerRecord<String, byte[]>> records = readAll("readings-json", 6);
        ObjectMapper mapper = new ObjectMapper();
        Map<String, List<Long>> stamps = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            JsonNode node = mapper.readTree(record.value());
            assertEquals(record.key(), node.get("sensorId").asText());
            assertEquals(7, node.get("values").size());
            stamps.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(node.get("timestamp").asLong());
        }
        assertEquals(2, stamps.size());
        for (List<Long> ts : stamps.values()) {
            assertEquals(3, ts.size());
            assertEquals(3_600_000L, ts.get(1) - ts.get(0));
            assertEquals(3_600_000L, ts.get(2) - ts.get(1));
        }
    }

    @Test
    void tailPrintsCommittedForecastsOnlyAndStopsAtMax() throws Exception {
        KAFKA.createTopics(2, "forecasts-tail");
        Properties props = new Properties();
        props.put("bootstrap.servers", KAFKA.bootstrapServers());
        props.put("transactional.id", "tail-test");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(forecast("aborted-sensor", 99f)));
            producer.abortTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 4; i++) {
                producer.send(record(forecast("s" + i, i)));
            }
            Forecast withInterval = forecast("s4", 4);
            withInterval.setTargets(List.of("a", "b", "c"));
            withInterval.setLower(List.of(3f, 1f, 2f, 3f, 4f, 5f));
            withInterval.setUpper(List.of(5f, 3f, 4f, 5f, 6f, 7f));
            withInterval.setCoverage(0.9f);
            producer.send(record(withInterval));
            producer.send(new ProducerRecord<>("forecasts-tail", "junk", new byte[] {1, 2, 3}));
            producer.commitTransaction();
        }
        StringWriter out = new StringWriter();
        int rc = run(new TailCommand(), out, "--max", "5", "--json", "--timeout", "60",
                "--bootstrap", KAFKA.bootstrapServers(), "--topic", "forecasts-tail");
        assertEquals(0, rc);
        String[] lines = out.toString().strip().split("\n");
        assertEquals(5, lines.length, out.toString());
        ObjectMapper mapper = new ObjectMapper();
        List<String> sensors = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = mapper.readTree(line);
            sensors.add(node.get("sensorId").asText());
            assertEquals(2 * 3, node.get("values").size());
            if (node.get("sensorId").asText().equals("s4")) {
                assertEquals("[\"a\",\"b\",\"c\"]", node.get("targets").toString());
                assertEquals(6, node.get("lower").size());
                assertEquals(0.9, node.get("coverage").asDouble(), 1e-6);
            } else {
                assertFalse(node.has("lower"), line);
            }
        }
        assertFalse(sensors.contains("aborted-sensor"), "read_committed hides aborted forecasts");

        // asking for more than there is: gives up after the timeout with exit 1 and says how many it saw
        StringWriter more = new StringWriter();
        rc = run(new TailCommand(), more, "--max", "6", "--timeout", "3",
                "--bootstrap", KAFKA.bootstrapServers(), "--topic", "forecasts-tail");
        assertEquals(1, rc);
        assertEquals(5, more.toString().strip().split("\n").length);
        assertTrue(more.toString().contains("next: [1.00 2.00 3.00]"), more.toString());
        assertTrue(more.toString().contains("C=3 [a b c]"), more.toString());
        assertTrue(more.toString().contains("90%: [3.00..5.00 4.00..6.00 5.00..7.00]"), more.toString());
    }

    @Test
    void tailNamesTheMissingTopic() {
        StringWriter err = new StringWriter();
        CommandLine cmd = Cli.commandLine(new TailCommand());
        cmd.setErr(new PrintWriter(err, true));
        int rc = cmd.execute("--max", "1", "--bootstrap", KAFKA.bootstrapServers(), "--topic", "no-such-topic");
        assertEquals(Cli.USAGE, rc);
        assertTrue(err.toString().contains("topic 'no-such-topic' does not exist"), err.toString());
    }

    private static ProducerRecord<String, byte[]> record(Forecast f) throws Exception {
        return new ProducerRecord<>("forecasts-tail", f.getSensorId(), AvroSingleObject.encode(Forecast.getEncoder(), f));
    }

    private static Forecast forecast(String sensor, float first) {
        return Forecast.newBuilder()
                .setSensorId(sensor)
                .setIssuedAt(Instant.parse("2026-01-01T00:00:00Z"))
                .setModelName("test")
                .setModelVersion("v1")
                .setHead("flat")
                .setStepMillis(1000)
                .setHorizon(2)
                .setChannels(3)
                .setValues(List.of(first, 2f, 3f, 4f, 5f, 6f))
                .setProducedAt(Instant.parse("2026-01-01T00:00:00.010Z"))
                .build();
    }

    private static int run(Object command, StringWriter out, String... args) {
        CommandLine cmd = Cli.commandLine(command);
        cmd.setOut(new PrintWriter(out, true));
        return cmd.execute(args);
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Properties props = new Properties();
        props.put("bootstrap.servers", KAFKA.bootstrapServers());
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
