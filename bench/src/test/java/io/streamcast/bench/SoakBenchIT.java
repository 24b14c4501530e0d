package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.job.testing.KafkaClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The short soak: a real session cluster (deploy/cluster.sh) running the job jar with the shipped
 * settings and exactly-once, 200 sensors at 400 readings/s for 2 minutes. Asserts that the keyed
 * state stops growing (the last checkpoint is no bigger than the one at a third of the run, plus
 * slack), not how fast anything is: the speed criteria of the command may fail on a busy machine.
 * Needs job/target/streamcast-job-*-all.jar (the reactor's package phase builds it before verify).
 */
class SoakBenchIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    /** Per-checkpoint noise (Kafka sink/source state, in-flight windows); a leak grows by megabytes a minute here. */
    private static final double SLACK_BYTES = 256 * 1024;

    @TempDir
    Path tmp;

    @Test
    void keyedStateStopsGrowingUnderSteadyLoad() throws Exception {
        System.setProperty("streamcast.home", Path.of("").toAbsolutePath().getParent().toString());
        Path json = tmp.resolve("soak.json");
        Path png = tmp.resolve("soak.png");
        int rc = new CommandLine(new BenchCommand()).execute("soak", "--bootstrap", KAFKA.bootstrapServers(),
                "--minutes", "2", "--sensors", "200", "--rate", "400", "--interval", "10s", "--steady-from", "40s",
                "--job-setting", "checkpoint.interval=5s", "--json", json.toString(), "--plot", png.toString(),
                "--work-dir", tmp.toString());
        assertTrue(rc == 0 || rc == 3, "the soak did not run to its verdicts (exit " + rc + ")");
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        List<JsonNode> checkpointed = new ArrayList<>();
        for (JsonNode s : doc.path("samples")) {
            if (s.path("stateBytes").asLong() > 0) checkpointed.add(s);
        }
        assertTrue(checkpointed.size() >= 6, "too few samples with a completed checkpoint: " + checkpointed.size());
        JsonNode last = checkpointed.get(checkpointed.size() - 1);
        JsonNode third = checkpointed.stream().filter(s -> s.path("seconds").asDouble() >= last.path("seconds").asDouble() / 3)
                .findFirst().orElseThrow();
        assertTrue(last.path("checkpointId").asLong() > third.path("checkpointId").asLong(), "no checkpoint after a third of the run");
        for (String state : List.of("stateBytes", "evaluatorBytes", "assemblerBytes")) {
            double then = third.path(state).asDouble();
            double now = last.path(state).asDouble();
            assertTrue(then > 0, state + " is 0 at a third of the run: the operator is not in the job graph? " + doc.path("settings"));
            assertTrue(now <= 1.10 * then + SLACK_BYTES, String.format("%s grew from %.0f bytes at %.0f s to %.0f bytes at %.0f s",
                    state, then, third.path("seconds").asDouble(), now, last.path("seconds").asDouble()));
        }
        assertTrue(last.path("forecastsTotal").asLong() > 0 && last.path("evaluationsTotal").asLong() > 0,
                "the job forecast and evaluated nothing, so its state says nothing: " + last);
        assertTrue(Files.size(png) > 0);
    }
}
