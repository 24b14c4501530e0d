package io.streamcast.job.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.config.ConfigException;
import java.time.Duration;
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
    void unreachableKafkaIsAClearError() {
        JobConfig cfg = JobConfig.of(Map.of("kafka.bootstrap.servers", "127.0.0.1:1"));
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaPreflight.check(cfg, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("cannot reach Kafka at 127.0.0.1:1 within 2 s"), e.getMessage());
        assertTrue(e.getMessage().contains("fix: check kafka.bootstrap.servers"), e.getMessage());
    }

    private static JobConfig config(String readings, String forecasts, String dlq, String late, String requireTopics) {
        return JobConfig.of(Map.of("kafka.bootstrap.servers", KAFKA.bootstrapServers(), "topic.readings", readings,
                "topic.forecasts", forecasts, "topic.dlq", dlq, "topic.late", late, "preflight.require-topics", requireTopics));
    }
}
