package io.streamcast.job.config;

import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.inference.InferenceConfig;
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
    /** Flink's upper bound for the max parallelism (key groups). */
    static final int MAX_KEY_GROUPS = 32768;

    public enum Format { AVRO, JSON }

    public enum Guarantee { AT_LEAST_ONCE, EXACTLY_ONCE }

    public enum StartingOffsets { COMMITTED, EARLIEST, LATEST }

    public enum StateBackend { HASHMAP, ROCKSDB }

    private final EnumMap<Setting, String> values;
    private final Properties kafka;

    private JobConfig(EnumMap<Setting, String> values, Properties kafka) {
        this.values = values;
        this.kafka = kafka;
    }

    /** A Kafka client setting as a {@code kafka.NAME=value} override. */
    public static String kafkaOverride(String name, Object value) {
        return KAFKA_PREFIX + name + "=" + value;
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
        cfg.parse();
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

    // Every setting parsed once, when the config is loaded: a bad value fails at start, naming its key.
    private Format format;
    private StartingOffsets startingOffsets;
    private AssemblerConfig.Mode windowMode;
    private AssemblerConfig.Ordering windowOrdering;
    private Duration windowStep;
    private int stride;
    private AssemblerConfig.Resample resample;
    private int maxGapSteps;
    private Duration stateTtl;
    private Duration outOfOrderness;
    private Duration idleness;
    private Duration watermarkInterval;
    private Duration bufferTimeout;
    private Duration maxTimestampSkew;
    private InferenceConfig.Mode inferenceMode;
    private int batchSize;
    private Duration flushTimeout;
    private Duration modelPollInterval;
    private int modelAwaitLimit;
    private boolean evaluationEnabled;
    private Duration evaluationAllowedLateness;
    private int evaluationMetricsWindow;
    private double driftThreshold;
    private int driftWindow;
    private Guarantee guarantee;
    private Duration transactionTimeout;
    private Duration checkpointInterval;
    private int parallelism;
    private boolean requireTopics;
    private int webUiPort;
    private int prometheusPort;
    private int maxRecordBytes;
    private int maxSensorIdBytes;
    private int maxChannels;
    private Duration maxAhead;
    private int sideKeepBytes;
    private double intervalCoverage;
    private int maxParallelism;
    private StateBackend stateBackend;
    private boolean incrementalCheckpoints;

    private void parse() {
        format = choice(Setting.INPUT_FORMAT, Format.class);
        startingOffsets = choice(Setting.STARTING_OFFSETS, StartingOffsets.class);
        windowMode = choice(Setting.WINDOW_MODE, AssemblerConfig.Mode.class);
        windowOrdering = choice(Setting.WINDOW_ORDERING, AssemblerConfig.Ordering.class);
        windowStep = string(Setting.WINDOW_STEP).isEmpty() ? null : positive(Setting.WINDOW_STEP, duration(Setting.WINDOW_STEP));
        resample = choice(Setting.WINDOW_RESAMPLE, AssemblerConfig.Resample.class);
        stride = positive(Setting.WINDOW_STRIDE, integer(Setting.WINDOW_STRIDE));
        maxGapSteps = nonNegative(Setting.WINDOW_MAX_GAP, integer(Setting.WINDOW_MAX_GAP));
        stateTtl = positive(Setting.STATE_TTL, duration(Setting.STATE_TTL));
        outOfOrderness = nonNegative(Setting.OUT_OF_ORDERNESS, duration(Setting.OUT_OF_ORDERNESS));
        idleness = nonNegative(Setting.IDLENESS, duration(Setting.IDLENESS));
        watermarkInterval = positive(Setting.WATERMARK_INTERVAL, duration(Setting.WATERMARK_INTERVAL));
        bufferTimeout = nonNegative(Setting.BUFFER_TIMEOUT, duration(Setting.BUFFER_TIMEOUT));
        maxTimestampSkew = nonNegative(Setting.MAX_SKEW, duration(Setting.MAX_SKEW));
        inferenceMode = choice(Setting.INFERENCE_MODE, InferenceConfig.Mode.class);
        batchSize = positive(Setting.BATCH_SIZE, integer(Setting.BATCH_SIZE));
        flushTimeout = nonNegative(Setting.FLUSH_TIMEOUT, duration(Setting.FLUSH_TIMEOUT));
        modelPollInterval = positive(Setting.MODEL_POLL_INTERVAL, duration(Setting.MODEL_POLL_INTERVAL));
        modelAwaitLimit = positive(Setting.MODEL_AWAIT_LIMIT, integer(Setting.MODEL_AWAIT_LIMIT));
        evaluationEnabled = bool(Setting.EVALUATION_ENABLED);
        evaluationAllowedLateness = nonNegative(Setting.EVALUATION_ALLOWED_LATENESS, duration(Setting.EVALUATION_ALLOWED_LATENESS));
        evaluationMetricsWindow = positive(Setting.EVALUATION_METRICS_WINDOW, integer(Setting.EVALUATION_METRICS_WINDOW));
        driftWindow = positive(Setting.DRIFT_WINDOW, integer(Setting.DRIFT_WINDOW));
        driftThreshold = finite(Setting.DRIFT_THRESHOLD);
        guarantee = choice(Setting.DELIVERY_GUARANTEE, Guarantee.class);
        transactionTimeout = positive(Setting.TRANSACTION_TIMEOUT, duration(Setting.TRANSACTION_TIMEOUT));
        checkpointInterval = nonNegative(Setting.CHECKPOINT_INTERVAL, duration(Setting.CHECKPOINT_INTERVAL));
        parallelism = nonNegative(Setting.PARALLELISM, integer(Setting.PARALLELISM));
        requireTopics = bool(Setting.REQUIRE_TOPICS);
        webUiPort = port(Setting.WEB_UI_PORT);
        prometheusPort = port(Setting.PROMETHEUS_PORT);
        maxRecordBytes = positive(Setting.MAX_RECORD_BYTES, integer(Setting.MAX_RECORD_BYTES));
        maxSensorIdBytes = positive(Setting.MAX_SENSOR_ID_BYTES, integer(Setting.MAX_SENSOR_ID_BYTES));
        maxChannels = positive(Setting.MAX_CHANNELS, integer(Setting.MAX_CHANNELS));
        maxAhead = nonNegative(Setting.MAX_AHEAD, duration(Setting.MAX_AHEAD));
        sideKeepBytes = positive(Setting.SIDE_KEEP_BYTES, integer(Setting.SIDE_KEEP_BYTES));
        intervalCoverage = parseIntervalCoverage();
        maxParallelism = integer(Setting.MAX_PARALLELISM);
        if (maxParallelism < 1 || maxParallelism > MAX_KEY_GROUPS) {
            throw bad(Setting.MAX_PARALLELISM, "1.." + MAX_KEY_GROUPS);
        }
        if (parallelism > maxParallelism) {
            throw new ConfigException("parallelism=" + parallelism + " is above parallelism.max=" + maxParallelism
                    + "; fix: lower parallelism (parallelism.max cannot change without losing the keyed state)");
        }
        stateBackend = string(Setting.STATE_BACKEND).isBlank() ? null : choice(Setting.STATE_BACKEND, StateBackend.class);
        incrementalCheckpoints = bool(Setting.INCREMENTAL_CHECKPOINTS);

        if (!modelStore().isEmpty()) {
            if (modelName().isBlank()) throw bad(Setting.MODEL_NAME, "the model's name in model.store (model.store is set)");
            if (inferenceMode == InferenceConfig.Mode.PER_RECORD) {
                throw new ConfigException("inference.mode=per-record serves a fixed model.bundle only; fix: use inference.mode=batched with model.store, or model.bundle without model.store");
            }
        }
        if (guarantee == Guarantee.EXACTLY_ONCE) {
            if (checkpointInterval.isZero()) {
                throw new ConfigException("delivery.guarantee=exactly-once needs checkpoints; fix: set checkpoint.interval (e.g. 30s)");
            }
            if (transactionTimeout.compareTo(checkpointInterval) <= 0) {
                throw new ConfigException("delivery.transaction-timeout (" + string(Setting.TRANSACTION_TIMEOUT)
                        + ") must be longer than checkpoint.interval (" + string(Setting.CHECKPOINT_INTERVAL)
                        + "): transactions stay open from one checkpoint to the next; fix: raise it (below the broker's transaction.max.timeout.ms, 15m by default)");
            }
            if (transactionalIdPrefix().isBlank()) throw bad(Setting.TRANSACTIONAL_ID_PREFIX, "a non-empty prefix");
        }
        for (Setting s : new Setting[] {Setting.TOPIC_READINGS, Setting.TOPIC_FORECASTS, Setting.TOPIC_DLQ, Setting.TOPIC_LATE,
                Setting.TOPIC_EVALUATIONS}) {
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

    private int positive(Setting s, int v) {
        if (v <= 0) throw bad(s, "a value > 0");
        return v;
    }

    private int nonNegative(Setting s, int v) {
        if (v < 0) throw bad(s, "a value >= 0");
        return v;
    }

    private Duration positive(Setting s, Duration v) {
        if (v.isNegative() || v.isZero()) throw bad(s, "a duration > 0");
        return v;
    }

    private Duration nonNegative(Setting s, Duration v) {
        if (v.isNegative()) throw bad(s, "a duration >= 0");
        return v;
    }

    private int port(Setting s) {
        int port = integer(s);
        if (port < 0 || port > 65535) throw bad(s, "a port 0..65535");
        return port;
    }

    private boolean bool(Setting s) {
        String v = string(s).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) throw bad(s, "true or false");
        return v.equals("true");
    }

    private double finite(Setting s) {
        try {
            double v = Double.parseDouble(string(s).trim());
            if (Double.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // below
        }
        throw bad(s, "a finite number such as 0 or 0.1");
    }

    public String string(Setting s) {
        return values.get(s);
    }

    private int integer(Setting s) {
        try {
            return Integer.parseInt(string(s).trim());
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
    public String evaluationsTopic() { return string(Setting.TOPIC_EVALUATIONS); }
    public String groupId() { return string(Setting.GROUP_ID); }
    public StartingOffsets startingOffsets() { return startingOffsets; }
    public Format format() { return format; }

    public List<Path> avroWriterSchemas() {
        String v = string(Setting.AVRO_WRITER_SCHEMAS);
        if (v.isBlank()) return List.of();
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).map(Path::of).toList();
    }

    public String modelBundle() { return string(Setting.MODEL_BUNDLE); }
    /** Root of the model store to follow (hot reload), or empty. */
    public String modelStore() { return string(Setting.MODEL_STORE); }
    public String modelName() { return string(Setting.MODEL_NAME); }
    public Duration modelPollInterval() { return modelPollInterval; }
    public int modelAwaitLimit() { return modelAwaitLimit; }
    public AssemblerConfig.Mode windowMode() { return windowMode; }
    public AssemblerConfig.Ordering windowOrdering() { return windowOrdering; }

    /** The configured step, or null when the model's step interval should be used. */
    public Duration windowStep() { return windowStep; }

    public int stride() { return stride; }
    public AssemblerConfig.Resample resample() { return resample; }
    public int maxGapSteps() { return maxGapSteps; }
    public Duration stateTtl() { return stateTtl; }
    public Duration outOfOrderness() { return outOfOrderness; }
    public Duration idleness() { return idleness; }
    /** How often the source emits watermarks. */
    public Duration watermarkInterval() { return watermarkInterval; }
    /** Flink's buffer timeout on the readings' way from the source to the assembler. */
    public Duration bufferTimeout() { return bufferTimeout; }
    public Duration maxTimestampSkew() { return maxTimestampSkew; }
    public InferenceConfig.Mode inferenceMode() { return inferenceMode; }
    public int batchSize() { return batchSize; }
    public Duration flushTimeout() { return flushTimeout; }
    /** Coverage of the intervals forecasts carry: one of the coverages the bundles are calibrated for. */
    public double intervalCoverage() { return intervalCoverage; }
    public boolean evaluationEnabled() { return evaluationEnabled; }
    public Duration evaluationAllowedLateness() { return evaluationAllowedLateness; }
    public int evaluationMetricsWindow() { return evaluationMetricsWindow; }
    /** Drift alarm: raised while the skill vs Repeat is below this over the last {@link #driftWindow()} forecasts. */
    public double driftThreshold() { return driftThreshold; }
    public int driftWindow() { return driftWindow; }
    public Guarantee guarantee() { return guarantee; }

    private double parseIntervalCoverage() {
        String v = string(Setting.INTERVAL_COVERAGE).trim();
        try {
            double c = Double.parseDouble(v);
            if (io.streamcast.models.Intervals.servable(c)) return c;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(Setting.INTERVAL_COVERAGE, "one of 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99");
    }

    public String transactionalIdPrefix() { return string(Setting.TRANSACTIONAL_ID_PREFIX); }
    public Duration transactionTimeout() { return transactionTimeout; }
    public Duration checkpointInterval() { return checkpointInterval; }
    public int parallelism() { return parallelism; }
    public int maxParallelism() { return maxParallelism; }
    /** The state backend the job asks for, or null for the cluster's. */
    public StateBackend stateBackend() { return stateBackend; }
    public boolean incrementalCheckpoints() { return incrementalCheckpoints; }
    public String jobName() { return string(Setting.JOB_NAME); }
    /** Local runs: the Flink web UI's port, 0 = none. */
    public int webUiPort() { return webUiPort; }
    /** Local runs: the checkpoint directory, or empty for a temporary one. */
    public String localCheckpointDir() { return string(Setting.LOCAL_CHECKPOINT_DIR).trim(); }
    /** Local runs: the Prometheus endpoint's port, 0 = none. */
    public int prometheusPort() { return prometheusPort; }
    public boolean requireTopics() { return requireTopics; }
    public int maxRecordBytes() { return maxRecordBytes; }
    public int maxSensorIdBytes() { return maxSensorIdBytes; }
    public int maxChannels() { return maxChannels; }
    public Duration maxAhead() { return maxAhead; }
    public int sideKeepBytes() { return sideKeepBytes; }

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
