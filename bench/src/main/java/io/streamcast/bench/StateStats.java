package io.streamcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the state costs, read from the job's REST API at the end of a run: the checkpoints taken
 * during it (full state size, bytes uploaded, durations) and one canonical savepoint taken then
 * (always the full state, whatever the backend: the "full checkpoint" of an incremental backend).
 */
final class StateStats {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    private StateStats(String base) {
        this.base = base;
    }

    static Map<String, Object> measure(String restUrl, Path savepointDir) throws IOException, InterruptedException {
        StateStats rest = new StateStats(restUrl);
        String jobId = null;
        for (JsonNode job : rest.call("GET", "/jobs/overview", null).path("jobs")) {
            if (job.path("state").asText().equals("RUNNING")) jobId = job.path("jid").asText();
        }
        if (jobId == null) throw new IOException("no running job at " + restUrl);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stateBackend", rest.call("GET", "/jobs/" + jobId + "/checkpoints/config", null).path("state_backend").asText());
        JsonNode cp = rest.call("GET", "/jobs/" + jobId + "/checkpoints", null);
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
        JsonNode failed = cp.path("latest").path("failed");
        if (!failed.isMissingNode() && !failed.isNull()) out.put("lastFailure", failed.path("failure_message").asText());
        out.put("checkpointFailures", failureReasons(cp.path("history")));

        long t = System.nanoTime();
        String body = JSON.createObjectNode().put("target-directory", savepointDir.toUri().toString())
                .put("cancel-job", false).put("formatType", "CANONICAL").toString();
        String trigger = rest.call("POST", "/jobs/" + jobId + "/savepoints", body).path("request-id").asText();
        JsonNode status;
        do {
            Thread.sleep(200);
            status = rest.call("GET", "/jobs/" + jobId + "/savepoints/" + trigger, null);
        } while (!"COMPLETED".equals(status.path("status").path("id").asText()));
        String location = status.path("operation").path("location").asText(null);
        if (location == null) throw new IOException("savepoint failed: " + status.path("operation").path("failure-cause"));
        out.put("savepointMs", (System.nanoTime() - t) / 1_000_000);
        out.put("savepointBytes", du(Path.of(URI.create(location))));
        out.put("savepoint", location);
        return out;
    }

    /** One REST call; a busy JobManager (large state, a loaded machine) can miss the 10 s timeout: five tries. */
    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() >= 300) throw new IOException(method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
                return JSON.readTree(r.body());
            } catch (HttpTimeoutException e) {
                if (attempt == 5) throw e;
                Thread.sleep(1000);
            }
        }
    }

    private static long du(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /**
     * Why the failed checkpoints in the REST history failed (the bench's job keeps its last 1,000;
     * Flink's default is 10): reason -> how many.
     */
    static Map<String, Integer> failureReasons(JsonNode history) {
        Map<String, Integer> reasons = new LinkedHashMap<>();
        for (JsonNode c : history) {
            if (c.path("status").asText().equals("FAILED")) {
                String reason = c.path("failure_message").asText("");
                reasons.merge(reason.isBlank() ? "(no message)" : reason, 1, Integer::sum);
            }
        }
        return reasons;
    }
}
