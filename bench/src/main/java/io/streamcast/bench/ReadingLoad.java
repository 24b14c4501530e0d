package io.streamcast.bench;

import io.streamcast.avro.SensorReading;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces Avro readings for N sensors round-robin, keyed by sensor id, timestamped with the wall
 * clock at send time: at a fixed rate (a schedule: the i-th reading is due at start + i/rate, so a
 * slow moment is caught up, not lost), or as fast as the producer goes.
 */
final class ReadingLoad implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final byte[][] keys;
    private final String[] ids;
    /** A few value vectors, rotated: the values do not change the speed, encoding them does. */
    private final List<List<Float>> values = new ArrayList<>();
    private final BinaryMessageEncoder<SensorReading> encoder = SensorReading.getEncoder();
    private final AtomicLong sent = new AtomicLong();
    private volatile String lastSensor;
    private volatile long lastTimestamp = -1;

    ReadingLoad(String bootstrap, String topic, int sensors, int channels) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put("max.in.flight.requests.per.connection", "1"); // one partition's timestamps stay in order
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.ids = new String[sensors];
        this.keys = new byte[sensors][];
        for (int s = 0; s < sensors; s++) {
            ids[s] = String.format("bench-%05d", s);
            keys[s] = ids[s].getBytes(StandardCharsets.UTF_8);
        }
        Random r = new Random(11);
        for (int v = 0; v < 64; v++) {
            List<Float> vs = new ArrayList<>(channels);
            for (int c = 0; c < channels; c++) vs.add((float) r.nextGaussian());
            values.add(vs);
        }
    }

    long sent() {
        return sent.get();
    }

    private void send(long i) {
        int s = (int) (i % ids.length);
        long now = System.currentTimeMillis();
        SensorReading reading = new SensorReading(ids[s], Instant.ofEpochMilli(now), values.get((int) ((i / ids.length) % values.size())));
        producer.send(new ProducerRecord<>(topic, keys[s], bytes(reading)));
        sent.incrementAndGet();
        lastSensor = ids[s];
        lastTimestamp = now;
    }

    /** Sensor of the last reading sent (not a probe), or null. */
    String lastSensor() {
        return lastSensor;
    }

    /** Event time of the last reading sent, or -1. */
    long lastTimestamp() {
        return lastTimestamp;
    }

    private byte[] bytes(SensorReading reading) {
        try {
            ByteBuffer buf = encoder.encode(reading);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code rate} readings per second until {@code stop} says so. */
    void atRate(double rate, BooleanSupplier stop) {
        long start = System.nanoTime();
        long i = 0;
        while (!stop.getAsBoolean()) {
            long due = (long) ((System.nanoTime() - start) * rate / 1e9);
            while (i < due) send(i++);
            LockSupport.parkNanos(200_000);
        }
        producer.flush();
    }

    /**
     * Readiness probe: a reading for each of {@code probes} extra sensors ({@code probe-0}, ...) every
     * {@value #PROBE_INTERVAL_MS} ms until {@code stop}; their forecasts show that every stage of the
     * job, on every subtask, is running. Slow on purpose: the windows they make must not become a
     * backlog the measured load queues behind on a busy machine.
     */
    void probe(int probes, BooleanSupplier stop) {
        List<Float> v = values.get(0);
        while (!stop.getAsBoolean()) {
            long now = System.currentTimeMillis();
            for (int p = 0; p < probes; p++) {
                String id = "probe-" + p;
                producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8),
                        bytes(new SensorReading(id, Instant.ofEpochMilli(now), v))));
            }
            producer.flush();
            LockSupport.parkNanos(PROBE_INTERVAL_MS * 1_000_000);
        }
    }

    static final long PROBE_INTERVAL_MS = 500;

    /** Sends {@code count} readings as fast as possible, then waits until the broker has them all. */
    void flatOut(long count, BooleanSupplier stop) {
        for (long i = 0; i < count && !stop.getAsBoolean(); i++) send(i);
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
