package io.streamcast.job.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamcast.job.config.JobConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * The forecast and evaluation sinks batch more than Kafka's defaults, and the source fetches fuller
 * batches, unless the user's Kafka settings say otherwise.
 */
class KafkaClientDefaultsTest {
    @Test
    void sinksBatchByDefaultAndEvaluationsLingerLonger() {
        JobConfig cfg = JobConfig.of(Map.of("kafka.bootstrap.servers", "b:1"));
        Properties forecasts = KafkaEndpoints.sinkProducer(cfg, KafkaEndpoints.FORECASTS_LINGER_MS);
        Properties evaluations = KafkaEndpoints.sinkProducer(cfg, KafkaEndpoints.EVALUATIONS_LINGER_MS);
        assertEquals("5", forecasts.getProperty(ProducerConfig.LINGER_MS_CONFIG), "forecasts: on the latency path");
        assertEquals("100", evaluations.getProperty(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals(String.valueOf(256 * 1024), forecasts.getProperty(ProducerConfig.BATCH_SIZE_CONFIG));
        assertEquals(String.valueOf(256 * 1024), evaluations.getProperty(ProducerConfig.BATCH_SIZE_CONFIG));
        assertEquals("b:1", evaluations.getProperty("bootstrap.servers"), "the user's settings pass through");
    }

    @Test
    void theSourceWaitsBrieflyForFullerFetches() {
        Properties source = KafkaEndpoints.sourceConsumer(JobConfig.of(Map.of("kafka.bootstrap.servers", "b:1")));
        assertEquals(String.valueOf(64 * 1024), source.getProperty(ConsumerConfig.FETCH_MIN_BYTES_CONFIG));
        assertEquals("5", source.getProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "readings: on the latency path");
        assertEquals("b:1", source.getProperty("bootstrap.servers"));

        Properties own = KafkaEndpoints.sourceConsumer(JobConfig.of(Map.of("kafka.bootstrap.servers", "b:1",
                "kafka.fetch.min.bytes", "1", "kafka.fetch.max.wait.ms", "500")));
        assertEquals("1", own.getProperty(ConsumerConfig.FETCH_MIN_BYTES_CONFIG));
        assertEquals("500", own.getProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    }

    @Test
    void theUsersKafkaSettingsWin() {
        JobConfig cfg = JobConfig.of(Map.of("kafka.bootstrap.servers", "b:1", "kafka.linger.ms", "0", "kafka.batch.size", "1024"));
        for (int linger : new int[] {KafkaEndpoints.FORECASTS_LINGER_MS, KafkaEndpoints.EVALUATIONS_LINGER_MS}) {
            Properties p = KafkaEndpoints.sinkProducer(cfg, linger);
            assertEquals("0", p.getProperty(ProducerConfig.LINGER_MS_CONFIG));
            assertEquals("1024", p.getProperty(ProducerConfig.BATCH_SIZE_CONFIG));
        }
    }
}
