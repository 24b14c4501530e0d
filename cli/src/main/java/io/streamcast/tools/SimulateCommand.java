package io.streamcast.tools;

import io.streamcast.command.UsageError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
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

    @Option(names = "--retry-for", paramLabel = "S", defaultValue = "600",
            description = "While the broker is unreachable, readings wait and are retried (with backoff) for up to S seconds "
                    + "each before they count as not sent (default ${DEFAULT-VALUE}).")
    int retryFor;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || Double.isNaN(rate)) {
            throw new UsageError("--rate must be > 0, got " + rate);
        }
        if (retryFor < 1) {
            throw new UsageError("--retry-for must be at least 1 second, got " + retryFor);
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
        // A broker outage must not end the run: the client keeps readings and retries them with
        // exponential backoff for up to --retry-for; send() may block that long for metadata.
        int retryMillis = (int) Math.min(Integer.MAX_VALUE, retryFor * 1000L);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, retryMillis);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(retryMillis, 10_000 + 5));
        // Not idempotent: after a timed-out request its sequence numbers can fall out of step with the
        // broker (OutOfOrderSequenceException on every retry). One request in flight keeps each
        // sensor's readings in order; a retried reading may arrive twice (the job sends it to late).
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 200);
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 5_000);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 200);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        System.err.printf("simulate: %d sensor(s) x %d channels %s, %s readings at %.0f/s, %s -> %s topic %s%n",
                feed.sensorIds().size(), feed.channels().size(), feed.channels(),
                total == Long.MAX_VALUE ? "unbounded (Ctrl-C stops)" : String.valueOf(total), rate,
                format.name().toLowerCase(), bootstrap, topic);
        AtomicLong acked = new AtomicLong();
        // a reading the broker still had not taken after --retry-for: counted, reported, the run goes on
        Undelivered undelivered = new Undelivered();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<String> ids = feed.sensorIds();
        long[] sent = new long[ids.size()];
        long start = 0;
        long startNanos = 0;
        Progress progress = null;
        boolean interrupted = false;
        long produced = 0;
        requireBroker(props);
        OutageWatch watch = null;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.partitionsFor(topic);
            watch = new OutageWatch(acked, undelivered);
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
                // wall-clock mode: the time the reading is due on the schedule, which is the send time
                // unless simulate fell behind (a broker outage blocks sends): a sensor's readings then
                // still have distinct, evenly spaced timestamps, as a buffering sensor's would
                long timestamp = stepMillis > 0 ? start + sent[sensor] * stepMillis
                        : start + (long) (produced * 1000 / rate);
                sent[sensor]++;
                byte[] value = format.encode(ids.get(sensor), timestamp, feed.next(sensor));
                // In step mode event time may run ahead of the wall clock; Kafka 4 rejects record
                // timestamps more than an hour ahead, so the record keeps the send time then.
                Long recordTime = stepMillis > 0 ? null : timestamp;
                String sensorId = ids.get(sensor);
                producer.send(new ProducerRecord<>(topic, null, recordTime, sensorId, value), (meta, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                    } else if (e instanceof RetriableException) {
                        undelivered.add(sensorId, timestamp, e);
                    } else {
                        failure.compareAndSet(null, e); // e.g. not authorised, record too large: retrying cannot help
                    }
                });
                produced++;
                watch.sent(produced);
                progress.update(produced);
            }
            // flush what was sent even when interrupted (clear the flag, or the client refuses to wait)
            interrupted = Thread.interrupted();
            producer.flush();
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (progress != null) {
            progress.done(acked.get());
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.err.printf("simulate: %d readings acknowledged in %.1f s (%.0f/s)%n", acked.get(), seconds,
                acked.get() / Math.max(seconds, 1e-9));
        int rc = 0;
        if (undelivered.count() > 0) {
            System.err.println("simulate: " + undelivered.report(retryFor));
            rc = 1;
        }
        if (failure.get() != null) {
            System.err.println("simulate: sending failed: " + failure.get().getMessage()
                    + "; check the broker with './streamcast kafka status'");
            rc = 1;
        }
        return rc;
    }

    /** Fails fast with a fix when nothing listens at the start (an outage later is waited out). */
    private void requireBroker(Properties props) {
        // the client settings of --kafka-config too: a secured broker refuses an admin client without them
        Properties admin = new Properties();
        props.forEach((k, v) -> {
            if (!k.toString().contains("serializer") && !k.toString().startsWith("acks")) admin.put(k, v);
        });
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin client = Admin.create(admin)) {
            client.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new UsageError("no Kafka broker answers at " + kafka.servers()
                    + "; start one with './streamcast kafka start' or pass --bootstrap (and --kafka-config for a secured one)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageError("interrupted while looking for a Kafka broker at " + kafka.servers());
        }
    }

    /** Readings given up after --retry-for: how many, the time range, per sensor, and why. */
    static final class Undelivered {
        private final Map<String, Long> perSensor = new java.util.TreeMap<>();
        private long count;
        private long first = Long.MAX_VALUE;
        private long last = Long.MIN_VALUE;
        private String reason;

        synchronized void add(String sensorId, long timestamp, Exception e) {
            perSensor.merge(sensorId, 1L, Long::sum);
            count++;
            first = Math.min(first, timestamp);
            last = Math.max(last, timestamp);
            if (reason == null) {
                reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }

        synchronized long count() {
            return count;
        }

        synchronized String report(int retryFor) {
            return String.format("%d readings NOT sent (the broker did not take them within --retry-for %d s): "
                            + "timestamps %s .. %s, %d sensor(s) %s; first error %s", count, retryFor,
                    java.time.Instant.ofEpochMilli(first), java.time.Instant.ofEpochMilli(last), perSensor.size(),
                    perSensor.size() <= 10 ? perSensor : "", reason);
        }
    }

    /**
     * Says when the broker stops acknowledging (and when it is back): a line when nothing was
     * acknowledged for 3 s while readings wait, every 10 s during the outage, and one when it ends.
     */
    static final class OutageWatch implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "simulate-outage-watch");
                    t.setDaemon(true);
                    return t;
                });
        private final AtomicLong acked;
        private final Undelivered undelivered;
        private final AtomicLong produced = new AtomicLong();
        private long lastAcked = -1;
        private long lastProgressNanos = System.nanoTime();
        private long outageSinceNanos = -1;
        private long lastReportNanos;

        OutageWatch(AtomicLong acked, Undelivered undelivered) {
            this.acked = acked;
            this.undelivered = undelivered;
            timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
        }

        void sent(long total) {
            produced.set(total);
        }

        private void check() {
            long now = System.nanoTime();
            long done = acked.get();
            long waiting = produced.get() - done - undelivered.count();
            if (done != lastAcked || waiting <= 0) {
                if (outageSinceNanos >= 0 && done != lastAcked) {
                    System.err.printf("%nsimulate: the broker acknowledges again after %.0f s; %d readings still "
                            + "waiting are being sent%n", (now - outageSinceNanos) / 1e9, Math.max(waiting, 0));
                    outageSinceNanos = -1;
                }
                lastAcked = done;
                lastProgressNanos = now;
                return;
            }
            long silent = now - lastProgressNanos;
            if (outageSinceNanos < 0 && silent >= TimeUnit.SECONDS.toNanos(3)) {
                outageSinceNanos = lastProgressNanos;
                lastReportNanos = now;
                System.err.printf("%nsimulate: no acknowledgement from the broker for %.0f s (%d readings waiting); "
                        + "retrying with backoff%n", silent / 1e9, waiting);
            } else if (outageSinceNanos >= 0 && now - lastReportNanos >= TimeUnit.SECONDS.toNanos(10)) {
                lastReportNanos = now;
                System.err.printf("%nsimulate: broker unreachable for %.0f s, %d readings waiting%n",
                        (now - outageSinceNanos) / 1e9, waiting);
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
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
