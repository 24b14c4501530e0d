package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.models.Head;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.PerStepTarget;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Each bench command runs briefly and reports what it measured (no timing assertions: only that the
 * numbers exist, are positive where they must be, and the ratios are computed from them).
 */
class BenchCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void flopsOfTheReferenceModelFollowFromItsSpec() {
        // LSTM: 10 steps x 8 x 100 x (30 + 100); Dense: 2 x 100 x (10 x 30)
        assertEquals(1_040_000 + 60_000, Flops.perWindow(ReferenceModel.spec()));
        ModelSpec perStep = new ModelSpec(10, ReferenceModel.spec().channels(), 10, Head.PER_STEP, PerStepTarget.NEXT, 100, 1, "tanh", 0);
        // next-step roll-out: 10 + 9 steps, each an LSTM step and Dense(100 -> 30)
        assertEquals(19L * (104_000 + 6_000), Flops.perWindow(perStep));
        java.util.List<String> ett = java.util.List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT");
        // channel-independent: 7 rows of width 1; LSTM 96 steps x 8 x 32 x (1 + 32), Dense 2 x 32 x 96
        ModelSpec ci = new ModelSpec(96, ett, 96, Head.FLAT, null, 32, 1, "tanh", 0, null, true);
        assertEquals(7L * (96 * 8 * 32 * 33 + 2 * 32 * 96), Flops.perWindow(ci));
        // linear, channel-independent: 7 x Dense(336 -> 96)
        ModelSpec linear = new ModelSpec(336, ett, 96, Head.FLAT, null, 1, 0, "tanh", 0, null, true);
        assertEquals(7L * 2 * 336 * 96, Flops.perWindow(linear));
    }

    @Test
    void inferenceBenchmarkRunsAndReportsEveryPoint() throws Exception {
        Path json = tmp.resolve("inference.json");
        int rc = new CommandLine(new BenchCommand()).execute("inference", "--quick", "--batch", "1,8", "--mmul", "128", "--warmup", "0",
                "--iterations", "1", "--time", "1", "--json", json.toString(), "--work-dir", tmp.toString());
        assertEquals(0, rc);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(1_100_000, doc.path("model").path("flopsPerWindow").asLong());
        JsonNode points = doc.path("points");
        assertEquals(2, points.size());
        for (JsonNode p : points) {
            assertTrue(p.path("windowsPerSec").asDouble() > 0, p.toString());
            assertEquals(p.path("windowsPerSec").asDouble() * 1.1e-3, p.path("gflops").asDouble(), 1e-6 * p.path("gflops").asDouble() + 1e-9);
        }
        assertEquals(1, doc.path("mmulPeak").size());
        assertTrue(doc.path("mmulPeak").get(0).path("gflops").asDouble() > 0);
        JsonNode ratios = doc.path("ratios");
        assertEquals(1.0, ratios.get(0).path("vsPerRecord").asDouble(), 1e-9); // batch 1 against itself
        assertEquals("fused", points.get(0).path("impl").asText());
        assertEquals(points.get(1).path("windowsPerSec").asDouble() / points.get(0).path("windowsPerSec").asDouble(),
                ratios.get(1).path("vsPerRecord").asDouble(), 1e-9);
    }
}
