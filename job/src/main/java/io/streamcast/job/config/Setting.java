package io.streamcast.job.config;

import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.evaluation.EvaluationConfig;
import java.time.Duration;

/**
 * Every job setting: its key in the config file (or {@code key=value} on the command line), its
 * default and what it does. Kafka client settings are not listed here: they pass through unchanged
 * from {@code kafka.config} (a properties file) or from keys prefixed {@code kafka.}.
 */
public enum Setting {
    TOPIC_READINGS("topic.readings", "sensor-readings", "Topic the sensor readings are read from."),
    TOPIC_FORECASTS("topic.forecasts", "forecasts", "Topic the forecasts are written to (Avro single-object encoding, key = sensorId)."),
    TOPIC_DLQ("topic.dlq", "sensor-readings-dlq", "Dead-letter topic for records that cannot be used (JSON, see docs/job.md)."),
    TOPIC_LATE("topic.late", "sensor-readings-late", "Topic for readings that arrived behind the watermark (same format as the input)."),
    TOPIC_EVALUATIONS("topic.evaluations", "forecast-evaluations", "Topic of the forecasts scored against later actuals (Avro ForecastEvaluation, key = sensorId; see docs/evaluation.md)."),
    GROUP_ID("source.group-id", "streamcast-job", "Kafka consumer group of the source (offsets are committed on checkpoints)."),
    STARTING_OFFSETS("source.starting-offsets", "committed", "Where a fresh job starts: committed (earliest when the group has none), earliest or latest."),
    INPUT_FORMAT("input.format", "avro", "Format of the readings: avro (single-object encoding) or json."),
    AVRO_WRITER_SCHEMAS("input.avro.writer-schemas", "", "Comma-separated .avsc files of other SensorReading versions producers may write; they resolve against the job's schema."),
    MODEL_BUNDLE("model.bundle", "", "Directory of the model bundle to serve, without hot reload (required unless model.store is set)."),
    MODEL_STORE("model.store", "", "Model store root (absolute directory, or s3://..., hdfs://... with Flink's file system plugin): the job serves LATEST of model.name and follows it (hot reload, see docs/reload.md)."),
    MODEL_NAME("model.name", "", "Name of the model in model.store."),
    MODEL_POLL_INTERVAL("model.poll-interval", "30s", "How often the model watcher looks at LATEST in model.store."),
    MODEL_AWAIT_LIMIT("model.await-limit", "10000", "Windows per subtask kept (in checkpointed state) while no model is loaded yet; beyond it the job waits for a loading model or fails and restarts from its checkpoint."),
    WINDOW_MODE("window.mode", "count", "count (each reading is a step) or fixed-step (readings resampled to window.step)."),
    WINDOW_ORDERING("window.ordering", "in-order", "in-order (each sensor's readings become steps as they arrive: a window leaves at once; a reading not newer than its sensor's last one is late) or event-time (readings wait for the watermark and are re-ordered within watermark.out-of-orderness). See docs/job-core.md."),
    WINDOW_STEP("window.step", "", "Step interval in fixed-step mode, e.g. 1h; empty = the model's step interval."),
    WINDOW_STRIDE("window.stride", "1", "Emit a window every this many steps once T steps exist."),
    WINDOW_RESAMPLE("window.resample", "last", "Fixed-step mode: last or mean of the readings in one step."),
    WINDOW_MAX_GAP("window.max-gap", "0", "Fixed-step mode: gaps up to this many steps are filled forward; longer gaps reset the window."),
    STATE_TTL("window.state-ttl", text(AssemblerConfig.DEFAULT_STATE_TTL), "A sensor without readings while event time (the watermark) moves on this long loses its window state."),
    OUT_OF_ORDERNESS("watermark.out-of-orderness", "5s", "How far readings may arrive out of event-time order before they count as late."),
    WATERMARK_INTERVAL("watermark.interval", "200ms", "How often the sources emit a watermark (Flink's pipeline.auto-watermark-interval). Event-time ordering and fixed-step windows wait for it; in-order count mode does not."),
    BUFFER_TIMEOUT("network.buffer-timeout", "10ms", "Longest a reading waits in a network buffer on its way to a forecast before the buffer is sent half full: between the source and the assembler, and with hot reload between the assembler and inference (Flink's buffer timeout on those edges; 0 = send every record at once). Every forecast's latency includes it."),
    IDLENESS("watermark.idleness", "1m", "A partition without readings this long stops holding the watermark back (0 = never)."),
    MAX_SKEW("validation.max-timestamp-skew", "7d", "Readings whose timestamp is further than this from the wall clock go to the DLQ (0 = no check)."),
    INFERENCE_MODE("inference.mode", "batched", "batched (micro-batches across sensors) or per-record (one window per predict call, the baseline)."),
    BATCH_SIZE("inference.batch-size", "256", "Largest micro-batch of windows per predict call."),
    FLUSH_TIMEOUT("inference.flush-timeout", "5ms", "A partial batch is scored after waiting this long."),
    INTERVAL_COVERAGE("inference.interval-coverage", "0.9", "Nominal coverage of the forecasts' lower/upper bounds, for bundles with calibrated intervals: 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98 or 0.99."),
    EVALUATION_ENABLED("evaluation.enabled", "true", "Score every forecast against the actual readings that arrive later (evaluation topic and metrics)."),
    EVALUATION_ALLOWED_LATENESS("evaluation.allowed-lateness", text(EvaluationConfig.DEFAULT_ALLOWED_LATENESS), "Event time a forecast may wait for its actuals beyond its last step before it expires."),
    EVALUATION_METRICS_WINDOW("evaluation.metrics-window", Integer.toString(EvaluationConfig.DEFAULT_METRICS_WINDOW), "Rolling MAE/RMSE/skill metrics cover the last this many evaluated forecasts (per subtask and model version)."),
    DRIFT_THRESHOLD("evaluation.drift.threshold", text(EvaluationConfig.DEFAULT_DRIFT_THRESHOLD), "Drift alarm: raised while the skill vs Repeat (1 - MSE_model/MSE_repeat) is below this..."),
    DRIFT_WINDOW("evaluation.drift.window", Integer.toString(EvaluationConfig.DEFAULT_DRIFT_WINDOW), "... over the last this many evaluated forecasts."),
    DELIVERY_GUARANTEE("delivery.guarantee", "at-least-once", "at-least-once or exactly-once (Kafka transactions; consumers must use isolation.level=read_committed)."),
    TRANSACTIONAL_ID_PREFIX("delivery.transactional-id-prefix", "streamcast", "Exactly-once: prefix of the sinks' transactional ids; unique per job on a Kafka cluster."),
    TRANSACTION_TIMEOUT("delivery.transaction-timeout", "10m", "Exactly-once: producer transaction.timeout.ms; must be below the broker's transaction.max.timeout.ms (default 15m) and above the checkpoint interval."),
    CHECKPOINT_INTERVAL("checkpoint.interval", "5s", "Checkpoint interval (0 = off; exactly-once needs checkpoints; exactly-once forecasts become visible once per interval)."),
    PARALLELISM("parallelism", "0", "Job parallelism (0 = the cluster's default)."),
    MAX_PARALLELISM("parallelism.max", "128", "Key groups of the keyed state: the highest parallelism the job can ever be rescaled to from a savepoint. Fixed for the life of the state (a savepoint taken with another value cannot be restored); see docs/operating.md."),
    STATE_BACKEND("state.backend", "", "hashmap (state on the JVM heap) or rocksdb (on local disk, incremental checkpoints, for large fleets); empty = the cluster's state.backend.type (hashmap unless configured)."),
    INCREMENTAL_CHECKPOINTS("state.backend.incremental", "true", "rocksdb: checkpoints upload only the files that changed since the previous one (true/false)."),
    JOB_NAME("job.name", "streamcast-forecasts", "Name of the Flink job."),
    REQUIRE_TOPICS("preflight.require-topics", "false", "true: missing topics stop the job before it starts; false: a warning (for brokers that auto-create topics)."),
    WEB_UI_PORT("local.web-ui.port", "8081", "Local runs (./streamcast job): port of the Flink web UI on localhost (0 = no UI)."),
    LOCAL_CHECKPOINT_DIR("local.checkpoint-dir", "", "Local runs (./streamcast job): directory of the checkpoints (the JobManager's memory takes at most 5 MB per checkpoint); empty = a temporary directory removed when the job stops."),
    PROMETHEUS_PORT("local.prometheus.port", "9249", "Local runs (./streamcast job): port of the Prometheus metrics endpoint on localhost (0 = no endpoint)."),
    // hostile input and side topics (docs/job.md "Limits")
    MAX_RECORD_BYTES("input.max-record-bytes", "65536", "Readings whose value is larger than this many bytes go to the DLQ as OVERSIZED, undecoded."),
    MAX_SENSOR_ID_BYTES("input.max-sensor-id-bytes", "256", "Longest sensorId in UTF-8 bytes; longer ones go to the DLQ as SENSOR_ID_TOO_LONG."),
    MAX_CHANNELS("input.max-channels", "1024", "Most values a reading may carry; decoding stops there (WRONG_CHANNEL_COUNT)."),
    MAX_AHEAD("validation.max-ahead", "5m", "Readings dated further than this ahead of the wall clock go to the DLQ as TIMESTAMP_AHEAD and never move a watermark (0 = off: replays of historical or accelerated data)."),
    SIDE_KEEP_BYTES("dlq.keep-bytes", "65536", "A dead letter keeps at most this many bytes of the original key and of the value (plus their sizes and the value's SHA-256)."),
    KAFKA_CONFIG("kafka.config", "", "Properties file with Kafka client settings (bootstrap.servers, security.protocol, sasl.*, ssl.*); passed through unchanged.");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** This setting as a {@code key=value} override, as {@link JobConfig#load} and the job's command line take it. */
    public String override(Object value) {
        return key + "=" + value;
    }

    public static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) return s;
        }
        return null;
    }

    /** Keys whose values are paths, resolved against the directory of the file they come from. */
    boolean isPath() {
        return this == MODEL_BUNDLE || this == KAFKA_CONFIG || this == AVRO_WRITER_SCHEMAS;
    }

    /** A default written where the code that uses it defines it, in the form the settings are written. */
    private static String text(Duration d) {
        if (d.toSeconds() % 3600 == 0) return d.toHours() + "h";
        if (d.toSeconds() % 60 == 0) return d.toMinutes() + "m";
        return d.toMillis() + "ms";
    }

    private static String text(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
