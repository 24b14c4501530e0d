package io.streamcast.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.testing.ModelStoreFixture;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the job graph is set up for speed: chained operators hand records over without Flink's deep
 * copy (object reuse), and readings leave the source's network buffers within network.buffer-timeout,
 * while the evaluator's inputs keep Flink's default.
 */
class PipelineGraphTest {
    @TempDir
    static Path dir;
    static Path bundle;

    @BeforeAll
    static void bundle() throws Exception {
        bundle = new ModelStoreFixture(dir).bundle(3, ModelStoreFixture.C);
    }

    private static StreamExecutionEnvironment built(Map<String, String> settings) {
        Map<String, String> m = new TreeMap<>(settings);
        m.put("kafka.bootstrap.servers", "127.0.0.1:1"); // never contacted: the graph is only built
        m.put("model.bundle", bundle.toString());
        JobConfig cfg = JobConfig.of(m);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ForecastJob.configure(env, cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, ForecastJob.manifest(cfg)), KafkaEndpoints.readings(cfg, false),
                KafkaEndpoints.sinks(cfg));
        return env;
    }

    private static StreamNode node(StreamGraph graph, String uid) {
        return graph.getStreamNodes().stream().filter(n -> uid.equals(n.getTransformationUID())).findFirst()
                .orElseThrow(() -> new AssertionError("no operator " + uid));
    }

    @Test
    void chainedOperatorsReuseRecords() {
        assertTrue(built(Map.of()).getConfig().isObjectReuseEnabled());
    }

    @Test
    void readingsLeaveTheSourceWithinTheBufferTimeout() {
        StreamExecutionEnvironment env = built(Map.of());
        long flinkDefault = env.getBufferTimeout();
        StreamGraph graph = env.getStreamGraph();
        assertEquals(10, node(graph, "validate").getBufferTimeout(), "the shipped default, 10 ms");
        assertNotEquals(10, flinkDefault);
        assertEquals(flinkDefault, node(graph, "inference").getBufferTimeout(), "the evaluator's inputs keep Flink's default");

        StreamGraph every = built(Map.of("network.buffer-timeout", "0ms")).getStreamGraph();
        assertEquals(0, node(every, "validate").getBufferTimeout(), "0: every reading is sent at once");
    }
}
