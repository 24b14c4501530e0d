package io.streamcast.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.testing.ModelStoreFixture;
import io.streamcast.models.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator uids of the built job are a contract with every savepoint and retained checkpoint:
 * state is matched to operators by uid, so a changed or removed uid orphans that operator's state
 * (the new job refuses the savepoint, or with --allow-non-restored-state drops it: every sensor warms
 * up again). The committed list operator-uids.txt must equal what ForecastPipeline builds; changing it
 * needs a migration written down in docs/operating.md ("Operator uids").
 */
class OperatorUidsTest {
    @TempDir
    static Path dir;

    @Test
    void theUidsOfEveryVariantOfTheJobAreTheCommittedOnes() throws Exception {
        ModelStoreFixture store = new ModelStoreFixture(dir);
        store.publish(1);
        Path bundle = store.bundle(2, ModelStoreFixture.C);

        Map<String, List<String>> built = new TreeMap<>();
        built.put("fixed-bundle", uids(Map.of("model.bundle", bundle.toString())));
        built.put("hot-reload", uids(Map.of("model.store", store.root.toString(), "model.name", ModelStoreFixture.NAME)));
        built.put("per-record", uids(Map.of("model.bundle", bundle.toString(), "inference.mode", "per-record")));
        built.put("no-evaluation", uids(Map.of("model.bundle", bundle.toString(), "evaluation.enabled", "false")));

        Map<String, List<String>> committed = committed();
        StringBuilder now = new StringBuilder();
        built.forEach((variant, uids) -> uids.forEach(u -> now.append(variant).append(' ').append(u).append('\n')));
        assertEquals(committed, built, () -> "operator uids changed. A changed uid orphans that operator's state in every "
                + "savepoint; keep the old uid, or write the migration into docs/operating.md (Operator uids) and "
                + "update job/src/test/resources/io/streamcast/job/operator-uids.txt to:\n" + now);
    }

    /** uid of every operator of the graph (sorted), failing on an operator Flink would name by its position. */
    static List<String> uids(Map<String, String> settings) {
        Map<String, String> m = new TreeMap<>(settings);
        m.put("kafka.bootstrap.servers", "127.0.0.1:1"); // never contacted: the graph is only built
        JobConfig cfg = JobConfig.of(m);
        Manifest manifest = ForecastJob.manifest(cfg);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ForecastJob.configure(env, cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, manifest), KafkaEndpoints.readings(cfg, false),
                KafkaEndpoints.sinks(cfg));
        StreamGraph graph = env.getStreamGraph();
        TreeSet<String> uids = new TreeSet<>();
        List<String> without = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String uid = node.getTransformationUID();
            if (uid == null) without.add(node.getOperatorName());
            else assertTrue(uids.add(uid), "uid " + uid + " used twice");
        }
        assertTrue(without.isEmpty(), "operators without a uid (their state would be matched by graph position, "
                + "which changes with any edit of the pipeline): " + without);
        return new ArrayList<>(uids);
    }

    static Map<String, List<String>> committed() throws IOException {
        Map<String, List<String>> m = new TreeMap<>();
        try (InputStream in = OperatorUidsTest.class.getResourceAsStream("operator-uids.txt")) {
            if (in == null) return m;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                String[] parts = l.split("\\s+", 2);
                m.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1]);
            }
        }
        m.values().forEach(l -> l.sort(null));
        return m;
    }

}
