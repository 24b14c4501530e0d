package io.streamcast.job.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaPreflightIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @Test
    void passesWhenTheTopicsExist() throws Exception {
        String id = "pre-" + UUID.randomUUID().toString().substring(0, 8);
        KAFKA.createTopics(1, id + "-r", id + "-f", id + "-d", id + "-l");
        KafkaPreflight.check(config(id + "-r", id + "-f", id + "-d", id + "-l", "true"), Duration.ofSeconds(30));
    }

    @Test
    void namesTheMissingTopicsAndHowToCreateThem() throws Exception {
        String id = "pre-" + UUID.randomUUID().toString().substring(0, 8);
        KAFKA.createTopics(1, id + "-r", id + "-f");
        assertEquals(List.of(id + "-d", id + "-l"),
                KafkaPreflight.missingTopics(config(id + "-r", id + "-f", id + "-d", id + "-l", "false"), Duration.ofSeconds(30)));
        // only a warning by default (brokers may auto-create topics)
        KafkaPreflight.check(config(id + "-r", id + "-f", id + "-d", id + "-l", "false"), Duration.ofSeconds(30));
        ConfigException e = assertThrows(ConfigException.class,
                () -> KafkaPreflight.check(config(id + "-r", id + "-f", id + "-d", id + "-l", "true"), Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("topic(s) " + id + "-d, " + id + "-l do not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("fix: create them"), e.getMessage());
    }

    @Test
    void exactlyOnceRefusesToStartWithoutTheTopicsItsSinksWriteTransactionally() throws Exception {
        String id = "pre-" + UUID.randomUUID().toString().substring(0, 8);
        KAFKA.createTopics(1, id + "-r", id + "-d", id + "-l");
        Map<String, String> settings = new HashMap<>(settings(id + "-r", id + "-f", id + "-d", id + "-l", "false"));
        settings.put("delivery.guarantee", "exactly-once");
        settings.put("topic.evaluations", id + "-e");
        // without require-topics a missing topic is only a warning, but not for an exactly-once sink
        ConfigException e = assertThrows(ConfigException.class,
                () -> KafkaPreflight.check(JobConfig.of(settings), Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("delivery.guarantee=exactly-once needs " + id + "-f, " + id + "-e"), e.getMessage());
        assertTrue(e.getMessage().contains("fix: create them"), e.getMessage());

        KAFKA.createTopics(1, id + "-f", id + "-e");
        KafkaPreflight.check(JobConfig.of(settings), Duration.ofSeconds(30));
        settings.put("delivery.guarantee", "at-least-once");
        settings.put("topic.forecasts", id + "-absent");
        KafkaPreflight.check(JobConfig.of(settings), Duration.ofSeconds(30)); // a warning only
    }

    @Test
    void unreachableKafkaIsAClearError() {
        JobConfig cfg = JobConfig.of(Map.of("kafka.bootstrap.servers", "127.0.0.1:1"));
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaPreflight.check(cfg, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("cannot reach Kafka at 127.0.0.1:1 within 2 s"), e.getMessage());
        assertTrue(e.getMessage().contains("fix: check kafka.bootstrap.servers"), e.getMessage());
    }

    private static JobConfig config(String readings, String forecasts, String dlq, String late, String requireTopics) {
        return JobConfig.of(settings(readings, forecasts, dlq, late, requireTopics));
    }

    private static Map<String, String> settings(String readings, String forecasts, String dlq, String late, String requireTopics) {
        return Map.of("kafka.bootstrap.servers", KAFKA.bootstrapServers(), "topic.readings", readings,
                "topic.forecasts", forecasts, "topic.dlq", dlq, "topic.late", late, "preflight.require-topics", requireTopics);
    }
}
