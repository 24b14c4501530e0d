package io.streamcast.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.models.InvalidInputException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The few calls of Flink's REST API that submit, cancel and inspect jobs on a session cluster. */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String baseUrl) {
        String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        try {
            this.base = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--rest '" + baseUrl + "' is not a URL; fix: e.g. --rest http://127.0.0.1:8081");
        }
        if (base.getScheme() == null || base.getHost() == null) {
            throw new InvalidInputException("--rest '" + baseUrl + "' is not a URL; fix: e.g. --rest http://127.0.0.1:8081");
        }
    }

    public String baseUrl() {
        return base.toString();
    }

    /** Uploads a jar (POST /jars/upload); returns its id on the cluster. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "streamcast-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(jar),
                        HttpRequest.BodyPublishers.ofString(tail)))
                .timeout(Duration.ofMinutes(2))
                .build();
        JsonNode answer = send(request, "upload of " + jar.getFileName());
        String filename = answer.path("filename").asText("");
        if (filename.isEmpty()) {
            throw new IOException("the cluster accepted the upload but named no jar: " + answer);
        }
        return Path.of(filename).getFileName().toString();
    }

    /**
     * Runs an uploaded jar (POST /jars/:id/run); returns the job id. Arguments go as
     * {@code programArgsList}: Flink 2.2 silently ignores the older string field {@code programArgs}.
     */
    public String runJar(String jarId, String entryClass, List<String> programArgs, Integer parallelism)
            throws IOException {
        return runJar(jarId, entryClass, programArgs, parallelism, null, false);
    }

    /**
     * As {@link #runJar(String, String, List, Integer)}, restoring the job's state from a savepoint
     * (or retained checkpoint) when {@code savepointPath} is set; {@code allowNonRestoredState} lets
     * it start although state of an operator that no longer exists is left behind.
     */
    public String runJar(String jarId, String entryClass, List<String> programArgs, Integer parallelism,
                         String savepointPath, boolean allowNonRestoredState) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        if (savepointPath != null) {
            body.put("savepointPath", savepointPath);
            body.put("allowNonRestoredState", allowNonRestoredState);
        }
        if (entryClass != null) {
            body.put("entryClass", entryClass);
        }
        body.putArray("programArgsList").addAll(programArgs.stream().map(JSON.getNodeFactory()::textNode).toList());
        if (parallelism != null) {
            body.put("parallelism", parallelism);
        }
        HttpRequest request = HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .timeout(Duration.ofMinutes(3))
                .build();
        return send(request, "run of " + jarId).path("jobid").asText();
    }

    /** Removes an uploaded jar (the running job keeps its own copy in the blob store). */
    public void deleteJar(String jarId) throws IOException {
        send(HttpRequest.newBuilder(uri("/jars/" + jarId)).DELETE().build(), "delete of " + jarId);
    }

    /** Asks the cluster to cancel a job (PATCH /jobs/:id?mode=cancel). */
    public void cancel(String jobId) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build();
        send(request, "cancel of job " + jobId);
    }

    /**
     * Stops a job with a savepoint (POST /jobs/:id/stop): sources stop, a savepoint is taken, the
     * job finishes. {@code drain} first advances event time to the end (flushing timers and windows:
     * for a final stop, not for an upgrade). Returns the trigger id for {@link #savepointStatus}.
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, boolean drain) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        if (targetDirectory != null) {
            body.put("targetDirectory", targetDirectory);
        }
        body.put("drain", drain);
        body.put("formatType", "CANONICAL");
        HttpRequest request = HttpRequest.newBuilder(uri("/jobs/" + jobId + "/stop"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .timeout(Duration.ofSeconds(30))
                .build();
        return send(request, "stop of job " + jobId).path("request-id").asText();
    }

    /**
     * The savepoint of a stop: null while it is in progress, else its location; an IOException
     * with Flink's reason if it failed.
     */
    public String savepointStatus(String jobId, String triggerId) throws IOException {
        JsonNode answer = get("/jobs/" + jobId + "/savepoints/" + triggerId);
        if (!"COMPLETED".equals(answer.path("status").path("id").asText())) {
            return null;
        }
        JsonNode operation = answer.path("operation");
        if (operation.hasNonNull("location")) {
            return operation.path("location").asText();
        }
        JsonNode cause = operation.path("failure-cause");
        String why = cause.has("stack-trace") ? cause.path("stack-trace").asText() : cause.toString();
        throw new IOException("savepoint of job " + jobId + " failed: " + firstError(JSON.createObjectNode()
                .set("errors", JSON.createArrayNode().add(why))));
    }

    /** GET PATH as JSON. */
    public JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).GET().timeout(Duration.ofSeconds(10)).build(), "GET " + path);
    }

    /** The state of a job: RUNNING, CANCELED, FAILED, FINISHED, ... */
    public String jobState(String jobId) throws IOException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Ids of the jobs that are not finished yet. */
    public List<String> unfinishedJobs() throws IOException {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            String state = job.path("state").asText();
            if (!List.of("FINISHED", "CANCELED", "FAILED").contains(state)) {
                ids.add(job.path("jid").asText());
            }
        }
        return ids;
    }

    /**
     * A single metric of a TaskManager, or NaN if it is not reported within a few seconds (the REST
     * metric fetcher answers the first query of a metric empty and fetches it in the background).
     */
    public double taskManagerMetric(String taskManagerId, String metric) throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            for (JsonNode m : get("/taskmanagers/" + taskManagerId + "/metrics?get=" + metric)) {
                if (metric.equals(m.path("id").asText())) {
                    return m.path("value").asDouble(Double.NaN);
                }
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Double.NaN;
    }

    /** The web UI page of a job. */
    public String jobUrl(String jobId) {
        return base + "/#/job/running/" + jobId + "/overview";
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode send(HttpRequest request, String what) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new InvalidInputException("no Flink cluster answers at " + base
                    + "; start one with './streamcast cluster start' or pass --rest URL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during " + what, e);
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException(what + ": HTTP " + response.statusCode() + ", not JSON: "
                    + abbreviate(response.body()));
        }
        if (response.statusCode() >= 300) {
            throw new IOException(what + " failed: HTTP " + response.statusCode() + ": " + firstError(body));
        }
        return body;
    }

    /** Flink puts the exception (with its stack trace) in errors[]; the first meaningful line says why. */
    static String firstError(JsonNode body) {
        JsonNode errors = body.path("errors");
        if (!errors.isArray() || errors.isEmpty()) {
            return abbreviate(body.toString());
        }
        StringBuilder reasons = new StringBuilder();
        for (JsonNode error : errors) {
            for (String line : error.asText().split("\n")) {
                String trimmed = line.trim();
                if (trimmed.startsWith("at ") || trimmed.startsWith("...") || trimmed.isEmpty()) {
                    continue;
                }
                if (reasons.length() > 0) {
                    reasons.append(" | ");
                }
                reasons.append(abbreviate(trimmed));
                if (reasons.length() > 600) {
                    return reasons.toString();
                }
            }
        }
        return reasons.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
