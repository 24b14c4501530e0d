package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.job.testing.KafkaClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The end-to-end benchmark against a real broker, with the job in a child JVM (no timing assertions). */
class E2eBenchIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @TempDir
    Path tmp;

    @Test
    void e2eBenchmarkRunsBothModesAgainstARealBroker() throws Exception {
        Path json = tmp.resolve("e2e.json");
        int rc = new CommandLine(new BenchCommand()).execute("e2e", "--bootstrap", KAFKA.bootstrapServers(), "--rate", "60", "--duration", "8",
                "--warmup", "2", "--sensors", "6", "--mode", "both", "--json", json.toString(), "--work-dir", tmp.toString(),
                "--inference-seconds", "2", "--pause-timeout", "300");
        assertEquals(0, rc);
        JsonNode runs = new ObjectMapper().readTree(json.toFile()).path("runs");
        assertEquals(List.of("per-record", "batched"), List.of(runs.get(0).path("mode").asText(), runs.get(1).path("mode").asText()));
        for (JsonNode r : runs) {
            assertTrue(r.path("forecastsMeasured").asLong() > 0, r.toString());
            assertEquals(r.path("forecastsMeasured").asLong(), r.path("latencyMs").path("count").asLong());
            assertTrue(r.path("readingsSent").asLong() > 0);
            assertTrue(r.path("jobProcess").path("rssMiBMax").asDouble() > 0);
            assertTrue(r.path("jobProcess").path("cpuCoresByThread").size() > 0, r.path("jobProcess").toString());
            assertTrue(r.path("problem").isNull(), r.path("problem").asText());
            assertTrue(Files.size(Path.of(r.path("plot").asText())) > 0);
            assertTrue(r.path("forecastsPerJobCoreSecond").asDouble() > 0, r.toString());
            assertTrue(r.path("perCoreOverInference").asDouble() > 0, r.toString());
            // a fixed rate says whether the job kept pace (which verdict depends on the machine's speed)
            assertTrue(r.path("latencyTrend").path("lastSecondsP50Ms").isNumber(), r.toString());
            assertTrue(List.of("steady", "caught-up-during-measurement", "fell-behind").contains(r.path("latencyTrend").path("verdict").asText()),
                    r.path("latencyTrend").toString());
            // in-order windows (the default ordering) need no newer reading: the paused producer's last one is forecast
            assertTrue(r.path("pause").path("forecastAfterMs").isNumber(), r.path("pause").toString());
        }
        assertTrue(new ObjectMapper().readTree(json.toFile()).path("inferenceReference").path("windowsPerCpuSecond").asDouble() > 0);
        assertTrue(new ObjectMapper().readTree(json.toFile()).path("batchedOverPerRecord").asDouble() > 0);
    }

    /**
     * A backlog smaller than the measurement runs out in it: the run says so, forecasts/s covers the time up to
     * the last forecast, and per job core-second counts the forecasts against the CPU of the same measurement
     * (dividing that forecasts/s by the cores of the longer CPU sample flattered such runs).
     */
    @Test
    void aBacklogThatRunsOutIsReportedAndPerCoreCountsTheSameMeasurement() throws Exception {
        Path json = tmp.resolve("drained.json");
        int rc = new CommandLine(new BenchCommand()).execute("e2e", "--bootstrap", KAFKA.bootstrapServers(), "--rate", "max",
                "--prefill", "3000", "--warmup", "0", "--duration", "120", "--sensors", "6", "--mode", "batched",
                "--json", json.toString(), "--work-dir", tmp.toString(), "--inference-seconds", "2");
        assertEquals(0, rc);
        JsonNode r = new ObjectMapper().readTree(json.toFile()).path("runs").get(0);
        double ranOut = r.path("backlogRanOutAfterSeconds").asDouble(-1);
        assertTrue(ranOut >= 0 && ranOut < 120, r.toString());
        // draining a backlog, latency is the backlog's age: no trend to judge
        assertTrue(r.path("latencyTrend").isMissingNode(), r.toString());
        long forecasts = r.path("forecastsMeasured").asLong();
        assertTrue(forecasts > 0, r.toString());
        double cpuSeconds = r.path("jobProcess").path("cpuSeconds").asDouble();
        assertTrue(cpuSeconds > 0, r.toString());
        assertEquals(forecasts / cpuSeconds, r.path("forecastsPerJobCoreSecond").asDouble(), 1e-9 * forecasts / cpuSeconds);
        assertEquals(forecasts / r.path("measuredSeconds").asDouble(), r.path("forecastsPerSec").asDouble(), 1e-6);
    }
}
