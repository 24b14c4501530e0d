package io.streamcast.tools;

import io.streamcast.command.UsageError;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast simulate}: live sensor readings into Kafka at a fixed rate, replayed from a CSV
 * file or generated, stamped with the current time (or a fixed step), keyed by sensor id.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Stream sensor readings into Kafka (CSV replay or synthetic sensors).",
            "At a fixed rate: replay a CSV file as a few sensors offset in time, or generate N synthetic "
                + "sensors with 7 smooth, noisy channels.",
            "Readings are keyed by sensor id; sensors take turns, so each sensor gets RATE/sensors readings per second."})
public final class SimulateCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--data", paramLabel = "CSV", description = "Replay this CSV (e.g. data/ett/ETTh1.csv).")
        Path data;

        @Option(names = "--synthetic", paramLabel = "N", description = "Generate N synthetic sensors.")
        Integer synthetic;
    }

    static final class Amount {
        @Option(names = "--count", paramLabel = "N", description = "Stop after N readings in total.")
        Long count;

        @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds.")
        Double duration;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Amount amount;

    @Option(names = "--sensors", paramLabel = "K", defaultValue = "3",
            description = "With --data: how many sensors replay the file, each from another offset (default ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "100",
            description = "Readings per second over all sensors (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--format", paramLabel = "avro|json", defaultValue = "avro",
            description = "Wire format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ReadingFormat format;

    @picocli.CommandLine.Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", defaultValue = "sensor-readings", description = "Topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--step-millis", paramLabel = "MS", defaultValue = "0",
            description = "0: stamp each reading with the wall clock when sent (default). >0: sensor k's i-th reading "
                    + "is stamped start + i*MS (event time runs at its own pace, e.g. 3600000 for hourly ETT).")
    long stepMillis;

    @Option(names = "--start-millis", paramLabel = "MS",
            description = "With --step-millis: event time (epoch ms) of every sensor's first reading (default: now). "
                    + "Lets a second run continue the first's timeline, e.g. after a stop and resubmit.")
    Long startMillis;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for --synthetic (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quiet", description = "No progress display, only the summary.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || Double.isNaN(rate)) {
            throw new UsageError("--rate must be > 0, got " + rate);
        }
        if (stepMillis < 0) {
            throw new UsageError("--step-millis must be >= 0, got " + stepMillis);
        }
        if (startMillis != null && (stepMillis == 0 || startMillis < 0)) {
            throw new UsageError("--start-millis needs --step-millis > 0 and a time >= 0");
        }
        Long count = amount == null ? null : amount.count;
        Double duration = amount == null ? null : amount.duration;
        if (count != null && count < 1) {
            throw new UsageError("--count must be at least 1, got " + count);
        }
        if (duration != null && !(duration > 0)) {
            throw new UsageError("--duration must be > 0 seconds, got " + duration);
        }
        SensorFeed feed = source.data != null ? new CsvReplay(source.data, sensors)
                : new SyntheticSensors(source.synthetic, seed);
        long total = count != null ? count : duration != null ? (long) Math.ceil(duration * rate) : Long.MAX_VALUE;

        Properties props = kafka.properties();
        String bootstrap = kafka.servers();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        System.err.printf("simulate: %d sensor(s) x %d channels %s, %s readings at %.0f/s, %s -> %s topic %s%n",
                feed.sensorIds().size(), feed.channels().size(), feed.channels(),
                total == Long.MAX_VALUE ? "unbounded (Ctrl-C stops)" : String.valueOf(total), rate,
                format.name().toLowerCase(), bootstrap, topic);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<String> ids = feed.sensorIds();
        long[] sent = new long[ids.size()];
        long start = 0;
        long startNanos = 0;
        Progress progress = null;
        boolean interrupted = false;
        long produced = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            // Fail fast with a fix when nothing listens, instead of a 60 s metadata timeout.
            try {
                producer.partitionsFor(topic);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new UsageError("no Kafka broker answers at " + bootstrap
                        + "; start one with './streamcast kafka start' or pass --bootstrap");
            }
            start = startMillis != null ? startMillis : System.currentTimeMillis();
            startNanos = System.nanoTime();
            progress = new Progress("simulate", total, quiet);
            // interruption (the demo's shutdown) ends an unbounded run like --count ends a bounded one
            while (produced < total && failure.get() == null && !Thread.currentThread().isInterrupted()) {
                // a fixed schedule: reading i leaves at start + i/rate, whatever the send latency
                long due = startNanos + (long) (produced * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int sensor = (int) (produced % ids.size());
                long timestamp = stepMillis > 0 ? start + sent[sensor] * stepMillis : System.currentTimeMillis();
                sent[sensor]++;
                byte[] value = format.encode(ids.get(sensor), timestamp, feed.next(sensor));
                // In step mode event time may run ahead of the wall clock; Kafka 4 rejects record
                // timestamps more than an hour ahead, so the record keeps the send time then.
                Long recordTime = stepMillis > 0 ? null : timestamp;
                producer.send(new ProducerRecord<>(topic, null, recordTime, ids.get(sensor), value), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                produced++;
                progress.update(produced);
            }
            // flush what was sent even when interrupted (clear the flag, or the client refuses to wait)
            interrupted = Thread.interrupted();
            producer.flush();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (progress != null) {
            progress.done(acked.get());
        }
        if (failure.get() != null) {
            System.err.println("simulate: sending failed: " + failure.get().getMessage()
                    + "; check the broker with './streamcast kafka status'");
            return 1;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.err.printf("simulate: %d readings acknowledged in %.1f s (%.0f/s)%n", acked.get(), seconds,
                acked.get() / Math.max(seconds, 1e-9));
        return 0;
    }

    /** A one-line progress display: rewritten in place on a terminal, a line every 5 s otherwise. */
    static final class Progress {
        private final String name;
        private final long total;
        private final boolean quiet;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private long lastPrint = System.nanoTime();

        Progress(String name, long total, boolean quiet) {
            this.name = name;
            this.total = total;
            this.quiet = quiet;
        }

        void update(long done) {
            long now = System.nanoTime();
            long every = terminal ? TimeUnit.MILLISECONDS.toNanos(250) : TimeUnit.SECONDS.toNanos(5);
            if (quiet || now - lastPrint < every) {
                return;
            }
            lastPrint = now;
            double seconds = (now - start) / 1e9;
            String of = total == Long.MAX_VALUE ? "" : String.format("/%d (%.0f%%)", total, 100.0 * done / total);
            String line = String.format("%s: %d%s readings, %.0f/s, %.0f s", name, done, of, done / seconds, seconds);
            System.err.print(terminal ? "\r" + line + "   " : line + System.lineSeparator());
            System.err.flush();
        }

        void done(long done) {
            if (!quiet && terminal) {
                System.err.print("\r");
            }
        }
    }
}
