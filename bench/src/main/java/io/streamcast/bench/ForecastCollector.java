package io.streamcast.bench;

import io.streamcast.avro.Forecast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the forecasts topic and measures each forecast's latency: arrival at this consumer minus the
 * event time of the window's last reading (the forecast's issuedAt, decoded from every record: the
 * record timestamp is when the job produced it). Keeps one histogram for the measurement window and one per second (the plot).
 */
final class ForecastCollector implements Runnable {
    private static final long MAX_LATENCY_MS = 3_600_000;

    private final String bootstrap;
    private final String topic;
    private final long origin;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean stop;

    private final Histogram window = new Histogram(MAX_LATENCY_MS, 3);
    private final List<Histogram> perSecond = new ArrayList<>();
    private final List<Long> countPerSecond = new ArrayList<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong inWindow = new AtomicLong();
    private volatile long firstArrival = -1;
    private volatile long lastArrival = -1;
    private volatile long lastWindowArrival = -1;
    private volatile String problem;
    private long decoded;
    private Forecast reuse;
    /** Per probe sensor, the latest issuedAt of its forecasts. */
    private final java.util.Map<String, Long> probeIssuedAt = new java.util.concurrent.ConcurrentHashMap<>();

    /** Per sensor, the newest forecast's issuedAt and its arrival: {issuedAt, arrival}. */
    private final java.util.Map<String, long[]> newest = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param origin wall-clock millis that second 0 of the per-second series starts at */
    ForecastCollector(String bootstrap, String topic, long origin) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.origin = origin;
    }

    /** Forecasts arriving in [start, end) (wall clock) count for the totals and the histogram. */
    void window(long start, long end) {
        windowStart = start;
        windowEnd = end;
    }

    void stop() {
        stop = true;
    }

    @Override
    public void run() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5"); // latency, not fetch efficiency
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (!stop) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    record(System.currentTimeMillis(), r);
                }
            }
        } catch (RuntimeException e) {
            problem = "forecast consumer failed: " + e;
        }
    }

    private void record(long now, ConsumerRecord<byte[], byte[]> r) {
        // the record's timestamp is when the job produced it; the reading's time is the forecast's issuedAt
        long issuedAt = issuedAt(r);
        if (issuedAt < 0) return;
        if (r.key() != null && r.key().length > 6 && r.key()[0] == 'p') {
            String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (key.startsWith("probe-")) {
                probeIssuedAt.merge(key, issuedAt, Math::max);
                return; // readiness probes are not part of the measurement
            }
        }
        if (r.key() != null) {
            long[] seen = {issuedAt, now};
            newest.merge(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), seen, (x, y) -> y[0] >= x[0] ? y : x);
        }
        long latency = Math.max(0, Math.min(MAX_LATENCY_MS, now - issuedAt));
        if (firstArrival < 0) firstArrival = now;
        lastArrival = now;
        total.incrementAndGet();
        int second = (int) Math.max(0, (now - origin) / 1000);
        synchronized (this) {
            while (perSecond.size() <= second) {
                perSecond.add(new Histogram(MAX_LATENCY_MS, 2));
                countPerSecond.add(0L);
            }
            perSecond.get(second).recordValue(latency);
            countPerSecond.set(second, countPerSecond.get(second) + 1);
            if (now >= windowStart && now < windowEnd) {
                window.recordValue(latency);
                inWindow.incrementAndGet();
                lastWindowArrival = now;
            }
        }
    }

    private long issuedAt(ConsumerRecord<byte[], byte[]> r) {
        try {
            reuse = Forecast.getDecoder().decode(r.value(), reuse);
            decoded++;
            return reuse.getIssuedAt().toEpochMilli();
        } catch (Exception e) {
            problem = "a record on " + topic + " is not a Forecast: " + e.getMessage();
            return -1;
        }
    }

    /** Arrival (wall clock) of the forecast {@code sensor} issued at {@code issuedAt} or later, or -1 while there is none. */
    long arrivalOf(String sensor, long issuedAt) {
        long[] seen = newest.get(sensor);
        return seen != null && seen[0] >= issuedAt ? seen[1] : -1;
    }

    /** Distinct probe sensors with a forecast so far. */
    int probesSeen() {
        return probeIssuedAt.size();
    }

    /** Probe sensors whose latest forecast was issued at or after {@code time}: the job has caught up to it. */
    int probesIssuedSince(long time) {
        return (int) probeIssuedAt.values().stream().filter(t -> t >= time).count();
    }

    long total() {
        return total.get();
    }

    long inWindow() {
        return inWindow.get();
    }

    long firstArrival() {
        return firstArrival;
    }

    long lastArrival() {
        return lastArrival;
    }

    long lastWindowArrival() {
        return lastWindowArrival;
    }

    String problem() {
        return problem;
    }

    synchronized Histogram windowHistogram() {
        return window.copy();
    }

    /** Per second since origin: {second, count, p50, p99, max} (latency ms); empty seconds left out. */
    synchronized List<long[]> series() {
        List<long[]> out = new ArrayList<>();
        for (int s = 0; s < perSecond.size(); s++) {
            Histogram h = perSecond.get(s);
            if (h.getTotalCount() == 0) continue;
            out.add(new long[] {s, countPerSecond.get(s), h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue()});
        }
        return out;
    }

    /** Forecasts that arrived in the last full second (for the progress line). */
    synchronized long lastSecondCount(long now) {
        int s = (int) ((now - origin) / 1000) - 1;
        return s >= 0 && s < countPerSecond.size() ? countPerSecond.get(s) : 0;
    }

    synchronized long lastSecondP99(long now) {
        int s = (int) ((now - origin) / 1000) - 1;
        return s >= 0 && s < perSecond.size() && perSecond.get(s).getTotalCount() > 0 ? perSecond.get(s).getValueAtPercentile(99) : -1;
    }
}
