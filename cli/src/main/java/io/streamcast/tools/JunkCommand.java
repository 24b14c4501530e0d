package io.streamcast.tools;

import io.streamcast.command.UsageError;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast junk}: hostile records for a live readings topic (the fault suite's "junk"
 * scenario), a seeded mix of kinds the job must dead-letter without stopping. Sensor ids start with
 * "junk-", so they never join a real sensor's windows.
 */
@Command(name = "junk", mixinStandardHelpOptions = true,
        description = {"Send malformed and hostile records to the readings topic (the job must dead-letter each and keep running).",
            "Kinds: random bytes, empty value, text, truncated Avro, unknown schema fingerprint, NaN, wrong channel "
                + "count, decades-old timestamp, broken JSON; seeded, taking turns."})
public final class JunkCommand implements Callable<Integer> {
    @Option(names = "--count", paramLabel = "N", defaultValue = "1000", description = "Records to send (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "sensor-readings", description = "Topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--channels", defaultValue = "7", description = "The model's channel count (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--seed", defaultValue = "7", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quiet", description = "Only the summary line.")
    boolean quiet;

    private record Kind(String name, Function<Random, byte[]> value) {
    }

    private List<Kind> kinds() {
        long now = System.currentTimeMillis();
        return List.of(
                new Kind("random bytes", r -> bytes(r, 1 + r.nextInt(300))),
                new Kind("empty value", r -> new byte[0]),
                new Kind("text", r -> ("temperature=" + r.nextInt(40)).getBytes(StandardCharsets.UTF_8)),
                new Kind("truncated Avro", r -> {
                    byte[] ok = ReadingFormat.AVRO.encode(id(r), now, values(r, channels));
                    return Arrays.copyOf(ok, 1 + r.nextInt(ok.length - 1));
                }),
                new Kind("unknown schema fingerprint", r -> {
                    byte[] v = ReadingFormat.AVRO.encode(id(r), now, values(r, channels));
                    v[2 + r.nextInt(8)] ^= (byte) (1 + r.nextInt(255));
                    return v;
                }),
                new Kind("NaN", r -> {
                    float[] values = values(r, channels);
                    values[r.nextInt(channels)] = Float.NaN;
                    return ReadingFormat.AVRO.encode(id(r), now, values);
                }),
                new Kind("wrong channel count", r -> ReadingFormat.AVRO.encode(id(r), now, values(r, channels + 1 + r.nextInt(5)))),
                new Kind("decades-old timestamp", r -> ReadingFormat.AVRO.encode(id(r), 86_400_000L * r.nextInt(3650), values(r, channels))),
                new Kind("broken JSON", r -> ("{\"sensorId\":\"" + id(r) + "\",\"timestamp\":" + now + ",\"values\":[1,")
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Integer call() {
        if (count < 1) throw new UsageError("--count must be at least 1, got " + count);
        if (channels < 1) throw new UsageError("--channels must be at least 1, got " + channels);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Random rnd = new Random(seed);
        List<Kind> kinds = kinds();
        Map<String, Integer> sent = new TreeMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                Kind kind = kinds.get(i % kinds.size());
                byte[] key = ("junk-" + rnd.nextInt(50)).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, kind.value().apply(rnd)));
                sent.merge(kind.name(), 1, Integer::sum);
            }
            producer.flush();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new UsageError("no Kafka broker answers at " + bootstrap + " (" + e.getMessage() + "); pass --bootstrap");
        }
        System.err.println("junk: " + count + " records sent to " + topic + (quiet ? "" : " " + sent));
        return 0;
    }

    private static String id(Random r) {
        return "junk-" + r.nextInt(50);
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
