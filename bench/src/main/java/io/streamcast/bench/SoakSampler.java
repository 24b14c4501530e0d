package io.streamcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamcast.process.FlinkRest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One soak sample from the session cluster's REST API and /proc: the latest completed checkpoint
 * (full size, per operator, duration), the slowest checkpoint since the previous sample, the
 * TaskManager's RSS and heap, back-pressure and busy time per vertex, restarts.
 */
final class SoakSampler {
    /**
     * Vertex-name parts of the two keyed operators (operator names in ForecastPipeline / the evaluator).
     * Flink reports state and busy time per task: where the evaluator runs in the assembler's chain
     * (fixed bundle, per record), both figures are that one task's.
     */
    static final String ASSEMBLER = "assemble-windows";
    static final String EVALUATOR = "evaluate-forecasts";

    private final FlinkRest flink;
    private final String jobId;
    private final long taskManagerPid;
    private final Map<String, String> vertices = new LinkedHashMap<>();
    private long lastTriggerSeen;

    SoakSampler(FlinkRest flink, String jobId, long taskManagerPid) throws IOException {
        this.flink = flink;
        this.jobId = jobId;
        this.taskManagerPid = taskManagerPid;
        for (JsonNode v : flink.get("/jobs/" + jobId).path("vertices")) {
            vertices.put(v.path("id").asText(), v.path("name").asText());
        }
        lastTriggerSeen = System.currentTimeMillis();
    }

    Map<String, String> vertices() {
        return vertices;
    }

    /** The configured taskmanager.memory.process.size in MiB, from the TaskManager's own report; NaN if unknown. */
    double processSizeMiB() throws IOException {
        for (JsonNode tm : flink.get("/taskmanagers").path("taskmanagers")) {
            JsonNode total = flink.get("/taskmanagers/" + tm.path("id").asText()).path("memoryConfiguration").path("totalProcessMemory");
            if (total.isNumber()) return total.asDouble() / MIB;
        }
        return Double.NaN;
    }

    /** Adds the cluster-side fields of a sample to {@code s}. */
    void sample(Map<String, Object> s) throws IOException {
        s.put("jobState", flink.jobState(jobId));
        JsonNode cp = flink.get("/jobs/" + jobId + "/checkpoints");
        s.put("checkpointsCompleted", cp.path("counts").path("completed").asLong());
        s.put("checkpointsFailed", cp.path("counts").path("failed").asLong());
        JsonNode latest = cp.path("latest").path("completed");
        if (latest.isObject()) {
            long id = latest.path("id").asLong();
            s.put("checkpointId", id);
            s.put("stateBytes", latest.path("state_size").asLong());
            s.put("checkpointedBytes", latest.path("checkpointed_size").asLong());
            s.put("checkpointMs", latest.path("end_to_end_duration").asLong());
            long assembler = 0;
            long evaluator = 0;
            JsonNode tasks = flink.get("/jobs/" + jobId + "/checkpoints/details/" + id).path("tasks");
            for (Map.Entry<String, String> v : vertices.entrySet()) {
                long size = tasks.path(v.getKey()).path("state_size").asLong();
                if (v.getValue().contains(ASSEMBLER)) assembler += size;
                if (v.getValue().contains(EVALUATOR)) evaluator += size;
            }
            s.put("assemblerBytes", assembler);
            s.put("evaluatorBytes", evaluator);
        }
        // the slowest checkpoint triggered since the previous sample, finished or still running
        long slowest = 0;
        long now = System.currentTimeMillis();
        long newest = lastTriggerSeen;
        for (JsonNode h : cp.path("history")) {
            long trigger = h.path("trigger_timestamp").asLong();
            String status = h.path("status").asText();
            long duration = "IN_PROGRESS".equals(status) ? now - trigger : h.path("end_to_end_duration").asLong();
            if (trigger > lastTriggerSeen || "IN_PROGRESS".equals(status)) {
                slowest = Math.max(slowest, duration);
                if (!"IN_PROGRESS".equals(status)) newest = Math.max(newest, trigger);
            }
        }
        lastTriggerSeen = newest;
        s.put("slowestCheckpointMs", slowest);

        s.put("rssMiB", ProcessStats.rssMiB(taskManagerPid));
        double heap = Double.NaN;
        for (JsonNode tm : flink.get("/taskmanagers").path("taskmanagers")) {
            heap = flink.taskManagerMetric(tm.path("id").asText(), "Status.JVM.Memory.Heap.Used") / MIB;
        }
        s.put("heapUsedMiB", heap);

        double backPressured = 0;
        String backPressuredVertex = "";
        for (Map.Entry<String, String> v : vertices.entrySet()) {
            Map<String, Double> m = maxOverSubtasks(v.getKey());
            double bp = m.getOrDefault("backPressuredTimeMsPerSecond", Double.NaN);
            if (bp > backPressured) {
                backPressured = bp;
                backPressuredVertex = v.getValue();
            }
            double busy = m.getOrDefault("busyTimeMsPerSecond", Double.NaN);
            if (v.getValue().contains(ASSEMBLER)) s.put("assemblerBusyMsPerSec", busy);
            if (v.getValue().contains(EVALUATOR)) s.put("evaluatorBusyMsPerSec", busy);
        }
        s.put("maxBackPressuredMsPerSec", backPressured);
        s.put("backPressuredVertex", backPressuredVertex);
        s.put("restarts", jobMetric("numRestarts"));
    }

    /** busyTimeMsPerSecond and backPressuredTimeMsPerSecond of a vertex, the max over its subtasks. */
    private Map<String, Double> maxOverSubtasks(String vertexId) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        JsonNode answer = flink.get("/jobs/" + jobId + "/vertices/" + vertexId
                + "/subtasks/metrics?get=busyTimeMsPerSecond,backPressuredTimeMsPerSecond&agg=max");
        for (JsonNode m : answer) {
            if (m.path("max").isNumber()) out.put(m.path("id").asText(), m.path("max").asDouble());
        }
        return out;
    }

    private double jobMetric(String name) throws IOException {
        for (JsonNode m : flink.get("/jobs/" + jobId + "/metrics?get=" + name)) {
            if (name.equals(m.path("id").asText())) return m.path("value").asDouble(Double.NaN);
        }
        return Double.NaN;
    }

    private static final double MIB = 1024.0 * 1024.0;
}
