package io.streamcast.job.config;

import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.inference.InferenceConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import io.streamcast.job.ForecastJob;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsApplyWhenNothingIsSet() {
        JobConfig cfg = JobConfig.of(Map.of());
        assertEquals("sensor-readings", cfg.readingsTopic());
        assertEquals(JobConfig.Format.AVRO, cfg.format());
        assertEquals(JobConfig.Guarantee.AT_LEAST_ONCE, cfg.guarantee());
        assertEquals(InferenceConfig.Mode.BATCHED, cfg.inferenceMode());
        assertEquals(Duration.ofSeconds(5), cfg.outOfOrderness());
        assertEquals(Duration.ofMillis(5), cfg.flushTimeout());
        assertEquals(256, cfg.batchSize());
        assertNull(cfg.windowStep());
        assertTrue(cfg.kafkaProperties().isEmpty());
    }

    @Test
    void fileThenOverridesAndKafkaSettingsPassThroughUnchanged() throws Exception {
        Files.writeString(dir.resolve("kafka.properties"), """
                bootstrap.servers=broker-1:9092,broker-2:9092
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                max.poll.records=123
                """);
        Files.createDirectories(dir.resolve("bundles/m1"));
        Path job = dir.resolve("job.properties");
        Files.writeString(job, """
                input.format=json
                window.mode=fixed-step
                window.step=1h
                inference.mode=per-record
                parallelism=3
                model.bundle=bundles/m1
                kafka.config=kafka.properties
                kafka.client.id=from-job-file
                """);
        JobConfig cfg = JobConfig.load(job, List.of("parallelism=2", "kafka.max.poll.records=7", "topic.forecasts=fc"));

        assertEquals(JobConfig.Format.JSON, cfg.format());
        assertEquals(AssemblerConfig.Mode.FIXED_STEP, cfg.windowMode());
        assertEquals(Duration.ofHours(1), cfg.windowStep());
        assertEquals(InferenceConfig.Mode.PER_RECORD, cfg.inferenceMode());
        assertEquals(2, cfg.parallelism(), "the command line wins over the file");
        assertEquals("fc", cfg.forecastsTopic());
        // relative paths in the file resolve against the file's directory, not the working directory
        assertEquals(dir.resolve("bundles/m1").toString(), cfg.modelBundle());

        Properties k = cfg.kafkaProperties();
        assertEquals("broker-1:9092,broker-2:9092", k.getProperty("bootstrap.servers"));
        assertEquals("SASL_SSL", k.getProperty("security.protocol"));
        assertEquals("PLAIN", k.getProperty("sasl.mechanism"));
        assertEquals("from-job-file", k.getProperty("client.id"));
        assertEquals("7", k.getProperty("max.poll.records"), "kafka.* overrides win over the kafka.config file");
        assertEquals("broker-1:9092,broker-2:9092", cfg.requireBootstrapServers());
    }

    @Test
    void secretsAreMaskedInTheDescription() throws Exception {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";";
        Path kafka = dir.resolve("kafka.properties");
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "b:9092");
        p.setProperty("sasl.jaas.config", jaas);
        p.setProperty("ssl.truststore.password", "trust-me-123");
        p.setProperty("ssl.keystore.password", "keystore-456");
        p.setProperty("ssl.key.password", "key-789");
        try (var w = Files.newBufferedWriter(kafka)) {
            p.store(w, null);
        }
        JobConfig cfg = JobConfig.load(null, List.of("kafka.config=" + kafka, "kafka.sasl.oauthbearer.token.endpoint.url=https://idp/token"));
        String shown = cfg.describe() + cfg;
        for (String secret : List.of("hunter2", "trust-me-123", "keystore-456", "key-789", "PlainLoginModule", "https://idp/token")) {
            assertFalse(shown.contains(secret), "leaked " + secret + " in:\n" + shown);
        }
        assertTrue(shown.contains("kafka.sasl.jaas.config = " + Secrets.MASK));
        assertTrue(shown.contains("kafka.bootstrap.servers = b:9092"), "non-secrets stay readable");
        // the real value still reaches Kafka
        assertEquals(jaas, cfg.kafkaProperties().getProperty("sasl.jaas.config"));
    }

    @Test
    void secretKeyDetection() {
        assertTrue(Secrets.isSecret("sasl.jaas.config"));
        assertTrue(Secrets.isSecret("ssl.keystore.password"));
        assertTrue(Secrets.isSecret("SASL.CLIENT.SECRET"));
        assertFalse(Secrets.isSecret("bootstrap.servers"));
        assertFalse(Secrets.isSecret("security.protocol"));
        assertFalse(Secrets.isSecret("sasl.mechanism"));
    }

    @Test
    void bufferTimeoutDefaultsTo10ms() {
        assertEquals(Duration.ofMillis(10), JobConfig.of(Map.of()).bufferTimeout());
        assertEquals(Duration.ZERO, JobConfig.of(Map.of("network.buffer-timeout", "0ms")).bufferTimeout());
        assertMessage("network.buffer-timeout=soon is not valid", Map.of("network.buffer-timeout", "soon"));
    }

    @Test
    void watermarkIntervalDefaultsTo200msAndReachesFlink() {
        assertEquals(Duration.ofMillis(200), JobConfig.of(Map.of()).watermarkInterval());
        JobConfig cfg = JobConfig.of(Map.of("watermark.interval", "10ms"));
        assertEquals(Duration.ofMillis(10), cfg.watermarkInterval());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ForecastJob.configure(env, cfg);
        assertEquals(10, env.getConfig().getAutoWatermarkInterval(), "Flink's auto-watermark interval follows the setting");
        assertMessage("watermark.interval=0ms is not valid; fix: use a duration > 0", Map.of("watermark.interval", "0ms"));
        assertMessage("watermark.interval=often is not valid", Map.of("watermark.interval", "often"));
    }

    @Test
    void unknownKeysAreRejectedWithASuggestion() {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.of(Map.of("inference.batchsize", "8")));
        assertTrue(e.getMessage().contains("unknown setting 'inference.batchsize'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'inference.batch-size'"), e.getMessage());
    }

    @Test
    void badValuesNameTheKeyAndTheFix() {
        assertMessage("input.format=xml is not valid; fix: use avro or json", Map.of("input.format", "xml"));
        assertMessage("window.stride=0 is not valid", Map.of("window.stride", "0"));
        assertMessage("watermark.out-of-orderness=soon is not valid", Map.of("watermark.out-of-orderness", "soon"));
        assertMessage("delivery.guarantee=twice is not valid; fix: use at-least-once or exactly-once", Map.of("delivery.guarantee", "twice"));
        assertMessage("window.resample=median is not valid; fix: use last or mean", Map.of("window.resample", "median"));
        assertMessage("inference.batch-size=many is not valid; fix: use a whole number", Map.of("inference.batch-size", "many"));
        assertMessage("needs checkpoints", Map.of("delivery.guarantee", "exactly-once", "checkpoint.interval", "0"));
        assertMessage("state.backend=memory is not valid; fix: use hashmap or rocksdb", Map.of("state.backend", "memory"));
        assertMessage("state.backend.incremental=yes is not valid; fix: use true or false", Map.of("state.backend.incremental", "yes"));
        assertMessage("parallelism.max=0 is not valid; fix: use 1..32768", Map.of("parallelism.max", "0"));
        assertMessage("parallelism=200 is above parallelism.max=128", Map.of("parallelism", "200"));
        assertMessage("must be longer than checkpoint.interval",
                Map.of("delivery.guarantee", "exactly-once", "checkpoint.interval", "10m", "delivery.transaction-timeout", "5m"));
        ConfigException noFile = assertThrows(ConfigException.class, () -> JobConfig.load(dir.resolve("nope.properties"), List.of()));
        assertTrue(noFile.getMessage().contains("does not exist"), noFile.getMessage());
        ConfigException noEq = assertThrows(ConfigException.class, () -> JobArgs.parse("parallelism"));
        assertTrue(noEq.getMessage().contains("unexpected argument 'parallelism'"), noEq.getMessage());
    }

    @Test
    void requiredSettingsFailOnlyWhenUsed() {
        JobConfig cfg = JobConfig.of(Map.of());
        assertTrue(assertThrows(ConfigException.class, cfg::requireModelBundle).getMessage().contains("model.bundle is not set"));
        assertTrue(assertThrows(ConfigException.class, cfg::requireBootstrapServers).getMessage().contains("bootstrap.servers"));
    }

    @Test
    void exactlyOnceSettings() {
        JobConfig cfg = JobArgs.parse("delivery.guarantee=exactly-once", "delivery.transactional-id-prefix=plant-7",
                "checkpoint.interval=20s", "delivery.transaction-timeout=PT14M");
        assertEquals(JobConfig.Guarantee.EXACTLY_ONCE, cfg.guarantee());
        assertEquals("plant-7", cfg.transactionalIdPrefix());
        assertEquals(Duration.ofMinutes(14), cfg.transactionTimeout());
    }

    @Test
    void writerSchemasAreCheckedOnTheClient() throws Exception {
        Path notAvro = dir.resolve("v2.avsc");
        Files.writeString(notAvro, "{\"type\":\"record\"");
        JobConfig bad = JobConfig.of(Map.of("input.avro.writer-schemas", notAvro.toString(), "kafka.bootstrap.servers", "b:1"));
        ConfigException e = assertThrows(ConfigException.class, () -> io.streamcast.job.kafka.KafkaEndpoints.readings(bad, false));
        assertTrue(e.getMessage().contains("is not an Avro schema"), e.getMessage());
        JobConfig missing = JobConfig.of(Map.of("input.avro.writer-schemas", dir.resolve("nope.avsc").toString(), "kafka.bootstrap.servers", "b:1"));
        ConfigException e2 = assertThrows(ConfigException.class, () -> io.streamcast.job.kafka.KafkaEndpoints.readings(missing, false));
        assertTrue(e2.getMessage().contains("cannot read"), e2.getMessage());
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("PT1M30S"));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1 fortnight"));
    }

    @Test
    void helpListsEverySetting() {
        String help = JobArgs.settingsHelp();
        for (Setting s : Setting.values()) assertTrue(help.contains(s.key()), s.key());
    }

    private static void assertMessage(String expected, Map<String, String> settings) {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.of(settings));
        assertTrue(e.getMessage().contains(expected), "got: " + e.getMessage());
    }
}
