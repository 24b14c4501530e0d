package io.streamcast.job.config;

import io.streamcast.job.assembly.AssemblerConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The job's settings: a properties file, then {@code key=value} overrides (command line), then
 * defaults. Keys prefixed {@code kafka.} (other than {@code kafka.config}) are Kafka client settings
 * and pass through unchanged, as do the entries of the {@code kafka.config} file; overrides win.
 * Every problem is a {@link ConfigException} naming the key and the fix.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String KAFKA_PREFIX = "kafka.";

    public enum Format { AVRO, JSON }

    public enum WindowMode { COUNT, FIXED_STEP }

    public enum InferenceMode { BATCHED, PER_RECORD }

    public enum Guarantee { AT_LEAST_ONCE, EXACTLY_ONCE }

    public enum StartingOffsets { COMMITTED, EARLIEST, LATEST }

    private final EnumMap<Setting, String> values;
    private final Properties kafka;

    private JobConfig(EnumMap<Setting, String> values, Properties kafka) {
        this.values = values;
        this.kafka = kafka;
    }

    /** Defaults plus overrides only (no file): handy for tests and for cluster submissions. */
    public static JobConfig of(Map<String, String> overrides) {
        List<String> list = new ArrayList<>();
        overrides.forEach((k, v) -> list.add(k + "=" + v));
        return load(null, list);
    }

    /**
     * @param configFile properties file, or null
     * @param overrides  {@code key=value} strings; relative paths resolve against the working directory
     */
    public static JobConfig load(Path configFile, List<String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, Path> origin = new LinkedHashMap<>();
        if (configFile != null) {
            Properties p = readProperties(configFile, "config file");
            Path dir = configFile.toAbsolutePath().getParent();
            for (String k : p.stringPropertyNames()) {
                raw.put(k, p.getProperty(k).trim());
                origin.put(k, dir);
            }
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("override '" + o + "' is not key=value; fix: write e.g. parallelism=2 (keys: see 'streamcast job --help')");
            }
            String k = o.substring(0, eq).trim();
            raw.put(k, o.substring(eq + 1).trim());
            origin.put(k, Path.of("").toAbsolutePath());
        }

        EnumMap<Setting, String> values = new EnumMap<>(Setting.class);
        Properties kafkaOverrides = new Properties();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String k = e.getKey();
            Setting s = Setting.byKey(k);
            if (s != null) {
                String v = e.getValue();
                if (s.isPath() && !v.isEmpty()) v = resolvePaths(v, origin.get(k));
                values.put(s, v);
            } else if (k.startsWith(KAFKA_PREFIX)) {
                kafkaOverrides.setProperty(k.substring(KAFKA_PREFIX.length()), e.getValue());
            } else {
                throw new ConfigException("unknown setting '" + k + "'" + suggestion(k)
                        + "; fix: see 'streamcast job --help' for the keys, or prefix Kafka client settings with 'kafka.'");
            }
        }
        for (Setting s : Setting.values()) values.putIfAbsent(s, s.defaultValue());

        Properties kafka = new Properties();
        String kafkaFile = values.get(Setting.KAFKA_CONFIG);
        if (!kafkaFile.isEmpty()) kafka.putAll(readProperties(Path.of(kafkaFile), "kafka.config file"));
        kafka.putAll(kafkaOverrides);

        JobConfig cfg = new JobConfig(values, kafka);
        cfg.validate();
        return cfg;
    }

    private static String resolvePaths(String value, Path base) {
        String[] parts = value.split(",");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.startsWith("~/")) p = System.getProperty("user.home") + p.substring(1);
            parts[i] = base == null ? p : base.resolve(p).normalize().toString();
        }
        return String.join(",", parts);
    }

    private static Properties readProperties(Path file, String what) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new ConfigException(what + " " + file + " does not exist; fix: pass an existing file (example: config/job.properties)");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(what + " " + file + " cannot be read: " + e.getMessage());
        }
        return p;
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting s : Setting.values()) {
            int d = distance(key, s.key());
            if (d < bestDistance) {
                bestDistance = d;
                best = s.key();
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Parses every setting once so that a bad value fails at start, naming its key. */
    private void validate() {
        format();
        windowMode();
        windowOrdering();
        resample();
        inferenceMode();
        guarantee();
        startingOffsets();
        positive(Setting.WINDOW_STRIDE, stride());
        nonNegative(Setting.WINDOW_MAX_GAP, maxGapSteps());
        positive(Setting.BATCH_SIZE, batchSize());
        nonNegative(Setting.PARALLELISM, parallelism());
        if (!string(Setting.WINDOW_STEP).isEmpty()) positive(Setting.WINDOW_STEP, windowStep().toMillis());
        positive(Setting.STATE_TTL, stateTtl().toMillis());
        nonNegative(Setting.OUT_OF_ORDERNESS, outOfOrderness().toMillis());
        positive(Setting.WATERMARK_INTERVAL, watermarkInterval().toMillis());
        nonNegative(Setting.IDLENESS, idleness().toMillis());
        nonNegative(Setting.MAX_SKEW, maxTimestampSkew().toMillis());
        nonNegative(Setting.FLUSH_TIMEOUT, flushTimeout().toMillis());
        nonNegative(Setting.CHECKPOINT_INTERVAL, checkpointInterval().toMillis());
        positive(Setting.TRANSACTION_TIMEOUT, transactionTimeout().toMillis());
        positive(Setting.MODEL_POLL_INTERVAL, modelPollInterval().toMillis());
        positive(Setting.MODEL_AWAIT_LIMIT, modelAwaitLimit());
        if (!modelStore().isEmpty()) {
            if (modelName().isBlank()) throw bad(Setting.MODEL_NAME, "the model's name in model.store (model.store is set)");
            if (inferenceMode() == InferenceMode.PER_RECORD) {
                throw new ConfigException("inference.mode=per-record serves a fixed model.bundle only; fix: use inference.mode=batched with model.store, or model.bundle without model.store");
            }
        }
        requireTopics();
        positive(Setting.MAX_RECORD_BYTES, maxRecordBytes());
        positive(Setting.MAX_SENSOR_ID_BYTES, maxSensorIdBytes());
        positive(Setting.MAX_CHANNELS, maxChannels());
        nonNegative(Setting.MAX_AHEAD, maxAhead().toMillis());
        positive(Setting.SIDE_KEEP_BYTES, sideKeepBytes());
        int port = integer(Setting.WEB_UI_PORT);
        if (port < 0 || port > 65535) throw bad(Setting.WEB_UI_PORT, "a port 0..65535");
        if (guarantee() == Guarantee.EXACTLY_ONCE) {
            if (checkpointInterval().isZero()) {
                throw new ConfigException("delivery.guarantee=exactly-once needs checkpoints; fix: set checkpoint.interval (e.g. 30s)");
            }
            if (transactionTimeout().compareTo(checkpointInterval()) <= 0) {
                throw new ConfigException("delivery.transaction-timeout (" + string(Setting.TRANSACTION_TIMEOUT)
                        + ") must be longer than checkpoint.interval (" + string(Setting.CHECKPOINT_INTERVAL)
                        + "): transactions stay open from one checkpoint to the next; fix: raise it (below the broker's transaction.max.timeout.ms, 15m by default)");
            }
            if (transactionalIdPrefix().isBlank()) throw bad(Setting.TRANSACTIONAL_ID_PREFIX, "a non-empty prefix");
        }
        for (Setting s : new Setting[] {Setting.TOPIC_READINGS, Setting.TOPIC_FORECASTS, Setting.TOPIC_DLQ, Setting.TOPIC_LATE}) {
            if (string(s).isBlank()) throw bad(s, "a topic name");
        }
    }

    /** Fails when no bundle is configured (a separate step so that tests can parse without one). */
    public Path requireModelBundle() {
        String b = string(Setting.MODEL_BUNDLE);
        if (b.isEmpty()) throw new ConfigException("model.bundle is not set; fix: set it in the config file or pass model.bundle=DIR (or follow a model store: model.store=ROOT model.name=NAME)");
        return Path.of(b);
    }

    /** Fails when Kafka cannot be reached by any configuration. */
    public String requireBootstrapServers() {
        String b = kafka.getProperty("bootstrap.servers", "");
        if (b.isBlank()) {
            throw new ConfigException("Kafka bootstrap.servers is not set; fix: put it in the kafka.config file or pass kafka.bootstrap.servers=HOST:PORT");
        }
        return b;
    }

    private ConfigException bad(Setting s, String expected) {
        return new ConfigException(s.key() + "=" + string(s) + " is not valid; fix: use " + expected);
    }

    private void positive(Setting s, long v) {
        if (v <= 0) throw bad(s, "a value > 0");
    }

    private void nonNegative(Setting s, long v) {
        if (v < 0) throw bad(s, "a value >= 0");
    }

    public String string(Setting s) {
        return values.get(s);
    }

    private int integer(Setting s) {
        try {
            return Integer.parseInt(string(s));
        } catch (NumberFormatException e) {
            throw bad(s, "a whole number");
        }
    }

    private Duration duration(Setting s) {
        try {
            return Durations.parse(string(s));
        } catch (IllegalArgumentException e) {
            throw bad(s, "a duration such as 250ms, 30s, 5m, 1h, 7d");
        }
    }

    private <E extends Enum<E>> E choice(Setting s, Class<E> type) {
        String v = string(s).trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            String options = String.join(" or ", Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
            throw bad(s, options);
        }
    }

    public String readingsTopic() { return string(Setting.TOPIC_READINGS); }
    public String forecastsTopic() { return string(Setting.TOPIC_FORECASTS); }
    public String deadLetterTopic() { return string(Setting.TOPIC_DLQ); }
    public String lateTopic() { return string(Setting.TOPIC_LATE); }
    public String groupId() { return string(Setting.GROUP_ID); }
    public StartingOffsets startingOffsets() { return choice(Setting.STARTING_OFFSETS, StartingOffsets.class); }
    public Format format() { return choice(Setting.INPUT_FORMAT, Format.class); }

    public List<Path> avroWriterSchemas() {
        String v = string(Setting.AVRO_WRITER_SCHEMAS);
        if (v.isBlank()) return List.of();
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).map(Path::of).toList();
    }

    public String modelBundle() { return string(Setting.MODEL_BUNDLE); }
    /** Root of the model store to follow (hot reload), or empty. */
    public String modelStore() { return string(Setting.MODEL_STORE); }
    public String modelName() { return string(Setting.MODEL_NAME); }
    public Duration modelPollInterval() { return duration(Setting.MODEL_POLL_INTERVAL); }
    public int modelAwaitLimit() { return integer(Setting.MODEL_AWAIT_LIMIT); }
    public WindowMode windowMode() { return choice(Setting.WINDOW_MODE, WindowMode.class); }
    public AssemblerConfig.Ordering windowOrdering() { return choice(Setting.WINDOW_ORDERING, AssemblerConfig.Ordering.class); }

    /** The configured step, or null when the model's step interval should be used. */
    public Duration windowStep() { return string(Setting.WINDOW_STEP).isEmpty() ? null : duration(Setting.WINDOW_STEP); }

    public int stride() { return integer(Setting.WINDOW_STRIDE); }
    public String resample() {
        String r = string(Setting.WINDOW_RESAMPLE).trim().toLowerCase(Locale.ROOT);
        if (!r.equals("last") && !r.equals("mean")) throw bad(Setting.WINDOW_RESAMPLE, "last or mean");
        return r;
    }
    public int maxGapSteps() { return integer(Setting.WINDOW_MAX_GAP); }
    public Duration stateTtl() { return duration(Setting.STATE_TTL); }
    public Duration outOfOrderness() { return duration(Setting.OUT_OF_ORDERNESS); }
    public Duration idleness() { return duration(Setting.IDLENESS); }
    public Duration watermarkInterval() { return duration(Setting.WATERMARK_INTERVAL); }
    public Duration maxTimestampSkew() { return duration(Setting.MAX_SKEW); }
    // hostile input and side topics
    public int maxRecordBytes() { return integer(Setting.MAX_RECORD_BYTES); }
    public int maxSensorIdBytes() { return integer(Setting.MAX_SENSOR_ID_BYTES); }
    public int maxChannels() { return integer(Setting.MAX_CHANNELS); }
    public Duration maxAhead() { return duration(Setting.MAX_AHEAD); }
    public int sideKeepBytes() { return integer(Setting.SIDE_KEEP_BYTES); }

    public InferenceMode inferenceMode() { return choice(Setting.INFERENCE_MODE, InferenceMode.class); }
    public int batchSize() { return integer(Setting.BATCH_SIZE); }
    public Duration flushTimeout() { return duration(Setting.FLUSH_TIMEOUT); }
    public Guarantee guarantee() { return choice(Setting.DELIVERY_GUARANTEE, Guarantee.class); }
    public String transactionalIdPrefix() { return string(Setting.TRANSACTIONAL_ID_PREFIX); }
    public Duration transactionTimeout() { return duration(Setting.TRANSACTION_TIMEOUT); }
    public Duration checkpointInterval() { return duration(Setting.CHECKPOINT_INTERVAL); }
    public int parallelism() { return integer(Setting.PARALLELISM); }
    public String jobName() { return string(Setting.JOB_NAME); }
    public int webUiPort() { return integer(Setting.WEB_UI_PORT); }

    public boolean requireTopics() {
        String v = string(Setting.REQUIRE_TOPICS).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) throw bad(Setting.REQUIRE_TOPICS, "true or false");
        return v.equals("true");
    }

    /** Kafka client settings, passed unchanged to the source and the sinks (a copy). */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        p.putAll(kafka);
        return p;
    }

    /** Every setting and Kafka client property, secrets masked: safe to log. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Setting s : Setting.values()) {
            sb.append("  ").append(s.key()).append(" = ").append(Secrets.mask(s.key(), string(s))).append('\n');
        }
        Secrets.masked(kafka).forEach((k, v) -> sb.append("  kafka.").append(k).append(" = ").append(v).append('\n'));
        return sb.toString();
    }

    @Override
    public String toString() {
        return "JobConfig{\n" + describe() + "}";
    }
}
