package io.streamcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamcast.tools.FlinkRest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the state costs, read from the job's REST API at the end of a run: the checkpoints taken
 * during it (full state size, bytes uploaded, durations) and one canonical savepoint taken then
 * (always the full state, whatever the backend: the "full checkpoint" of an incremental backend).
 */
final class StateStats {
    private StateStats() {
    }

    static Map<String, Object> measure(String restUrl, Path savepointDir) throws IOException, InterruptedException {
        FlinkRest rest = new FlinkRest(restUrl);
        String jobId = retried(() -> rest.unfinishedJobs()).stream().findFirst()
                .orElseThrow(() -> new IOException("no running job at " + restUrl));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stateBackend", retried(() -> rest.get("/jobs/" + jobId + "/checkpoints/config")).path("state_backend").asText());
        JsonNode cp = retried(() -> rest.get("/jobs/" + jobId + "/checkpoints"));
        out.put("checkpointsCompleted", cp.path("counts").path("completed").asLong());
        out.put("checkpointsFailed", cp.path("counts").path("failed").asLong());
        JsonNode last = cp.path("latest").path("completed");
        out.put("lastStateSizeBytes", last.path("state_size").asLong());
        out.put("lastCheckpointedBytes", last.path("checkpointed_size").asLong());
        out.put("lastDurationMs", last.path("end_to_end_duration").asLong());
        JsonNode summary = cp.path("summary");
        out.put("durationMsMax", summary.path("end_to_end_duration").path("max").asLong());
        out.put("durationMsP50", summary.path("end_to_end_duration").path("p50").asDouble());
        out.put("checkpointedBytesMax", summary.path("checkpointed_size").path("max").asLong());
        out.put("stateSizeBytesMax", summary.path("state_size").path("max").asLong());

        long t = System.nanoTime();
        String trigger = retried(() -> rest.triggerSavepoint(jobId, savepointDir.toUri().toString()));
        String location;
        while ((location = retried(() -> rest.savepointStatus(jobId, trigger))) == null) {
            Thread.sleep(200);
        }
        out.put("savepointMs", (System.nanoTime() - t) / 1_000_000);
        out.put("savepointBytes", du(Path.of(java.net.URI.create(location))));
        out.put("savepoint", location);
        return out;
    }

    interface Call<T> {
        T call() throws IOException;
    }

    /** A busy JobManager (large state, a loaded machine) can miss the client's 10 s timeout: five tries. */
    static <T> T retried(Call<T> call) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (java.net.http.HttpTimeoutException e) {
                if (attempt == 5) throw e;
                Thread.sleep(1000);
            }
        }
    }

    private static long du(Path dir) throws IOException {
        try (var files = java.nio.file.Files.walk(dir)) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
