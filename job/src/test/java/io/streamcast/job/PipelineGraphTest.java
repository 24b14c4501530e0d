package io.streamcast.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.testing.ModelStoreFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * copy (object reuse), readings leave the source's network buffers within network.buffer-timeout,
 * and the assembler, inference and the evaluator run in one chain (the keyBy is the only shuffle).
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
        if (!m.containsKey("model.store")) m.put("model.bundle", bundle.toString());
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
        assertEquals(10, node(graph, "assemble-windows").getBufferTimeout(), "its edge to inference with hot reload");
        assertEquals(flinkDefault, node(graph, "inference").getBufferTimeout(), "chained outputs only: Flink's default");

        StreamGraph every = built(Map.of("network.buffer-timeout", "0ms")).getStreamGraph();
        assertEquals(0, node(every, "validate").getBufferTimeout(), "0: every reading is sent at once");
    }

    /** The task (job vertex) that runs the operator of this name, by the names Flink gives chains. */
    private static String taskOf(Map<String, String> settings, String operator) {
        List<String> tasks = new ArrayList<>();
        built(settings).getStreamGraph().getJobGraph().getVertices().forEach(v -> tasks.add(v.getName()));
        return tasks.stream().filter(t -> t.contains(operator)).findFirst()
                .orElseThrow(() -> new AssertionError("no task runs " + operator + ": " + tasks));
    }

    @Test
    void theEvaluatorRunsInTheChainOfInferenceWithNoShuffleOfStepsOrForecasts() throws Exception {
        String task = taskOf(Map.of(), "evaluate-forecasts");
        for (String op : List.of("assemble-windows", "inference", "forecasts only", "forecast-evaluations")) {
            assertTrue(task.contains(op), op + " in the evaluator's task: " + task);
        }
        assertTrue(taskOf(Map.of("inference.mode", "per-record"), "evaluate-forecasts").contains("assemble-windows"));

        ModelStoreFixture store = new ModelStoreFixture(dir.resolve("store"));
        store.publish(1);
        String reload = taskOf(Map.of("model.store", store.root.toString(), "model.name", ModelStoreFixture.NAME),
                "evaluate-forecasts");
        // hot reload: inference has the watcher's broadcast as a second input, so its chain starts there
        assertTrue(reload.contains("inference") && !reload.contains("assemble-windows"), reload);
    }
}
