package io.streamcast.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The {@code manifest.json} of a model bundle.
 *
 * @param formatVersion bundle format ({@link #FORMAT_VERSION})
 * @param name          model name
 * @param version       store version ("1", "2", ...) or {@code "dev"} when never published
 * @param spec          shapes and head
 * @param normalizer    input/output normalisation (train-split statistics)
 * @param training      free-form: data file, columns, split row ranges, hyper-parameters (may be null)
 * @param metrics       free-form: test metrics (may be null)
 * @param created       creation time
 * @param networkSha256 sha256 (hex) of {@link ModelBundle#NETWORK_FILE}; set by {@link ModelBundle#write}
 * @param source        free-form: where an imported model came from (e.g. the Keras file); may be null
 * @param intervals     calibrated prediction intervals; null when the bundle has none
 */
public record Manifest(
        int formatVersion,
        String name,
        String version,
        ModelSpec spec,
        Normalizer normalizer,
        JsonNode training,
        JsonNode metrics,
        Instant created,
        String networkSha256,
        JsonNode source,
        Intervals intervals) {

    public static final int FORMAT_VERSION = 1;
    public static final String DEV_VERSION = "dev";

    public Manifest {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("manifest: name is required");
        if (spec == null) throw new IllegalArgumentException("manifest: spec is required");
        if (normalizer == null) throw new IllegalArgumentException("manifest: normalizer is required");
        if (normalizer.channels() != spec.channelCount()) {
            throw new IllegalArgumentException("manifest: normalizer has " + normalizer.channels()
                    + " channels, spec has " + spec.channelCount());
        }
        if (version == null) version = DEV_VERSION;
        if (created == null) created = Instant.now();
        if (intervals != null && intervals.halfWidth()[0].length != spec.outputLength()) {
            throw new IllegalArgumentException("manifest: intervals have " + intervals.halfWidth()[0].length
                    + " half-widths per coverage, the forecast has H*C_out = " + spec.outputLength());
        }
        training = copy(training);
        metrics = copy(metrics);
        source = copy(source);
    }

    /** A new manifest: current format, version "dev", created now, no training info/metrics/source. */
    public static Manifest of(String name, ModelSpec spec, Normalizer normalizer) {
        return new Manifest(FORMAT_VERSION, name, DEV_VERSION, spec, normalizer, null, null, Instant.now(), null, null, null);
    }

    public Manifest withVersion(String v) {
        return new Manifest(formatVersion, name, v, spec, normalizer, training, metrics, created, networkSha256, source, intervals);
    }

    public Manifest withTraining(JsonNode t) {
        return new Manifest(formatVersion, name, version, spec, normalizer, t, metrics, created, networkSha256, source, intervals);
    }

    public Manifest withMetrics(JsonNode m) {
        return new Manifest(formatVersion, name, version, spec, normalizer, training, m, created, networkSha256, source, intervals);
    }

    public Manifest withSource(JsonNode s) {
        return new Manifest(formatVersion, name, version, spec, normalizer, training, metrics, created, networkSha256, s, intervals);
    }

    public Manifest withIntervals(Intervals i) {
        return new Manifest(formatVersion, name, version, spec, normalizer, training, metrics, created, networkSha256,
                source, i);
    }

    public Manifest withNetworkSha256(String sha) {
        return new Manifest(formatVersion, name, version, spec, normalizer, training, metrics, created, sha, source, intervals);
    }

    @Override
    public JsonNode training() {
        return copy(training);
    }

    @Override
    public JsonNode metrics() {
        return copy(metrics);
    }

    @Override
    public JsonNode source() {
        return copy(source);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("formatVersion", formatVersion);
        n.put("name", name);
        n.put("version", version);
        n.put("created", created.toString());
        n.set("spec", ModelSpecs.toJson(spec));
        n.set("normalizer", normalizer.toJson());
        if (training != null) n.set("training", training.deepCopy());
        if (metrics != null) n.set("metrics", metrics.deepCopy());
        if (source != null) n.set("source", source.deepCopy());
        if (intervals != null) n.set("intervals", intervals.toJson());
        n.put("networkSha256", networkSha256);
        return n;
    }

    /** Parses manifest JSON; IllegalArgumentException names the bad field. */
    public static Manifest fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("expected a JSON object");
        JsonNode fv = n.get("formatVersion");
        if (fv == null || !fv.isIntegralNumber()) throw new IllegalArgumentException("formatVersion: expected an integer");
        if (fv.intValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException("formatVersion " + fv.intValue() + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
        Instant created;
        try {
            created = n.hasNonNull("created") ? Instant.parse(n.get("created").asText()) : null;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("created: not an ISO-8601 instant: " + n.get("created").asText());
        }
        JsonNode sha = n.get("networkSha256");
        return new Manifest(
                fv.intValue(),
                n.hasNonNull("name") ? n.get("name").asText() : null,
                n.hasNonNull("version") ? n.get("version").asText() : DEV_VERSION,
                ModelSpecs.fromJson(n.get("spec")),
                Normalizer.fromJson(n.get("normalizer")),
                n.get("training"),
                n.get("metrics"),
                created,
                sha == null || sha.isNull() ? null : sha.asText(),
                n.get("source"),
                n.hasNonNull("intervals") ? Intervals.fromJson(n.get("intervals")) : null);
    }

    private static JsonNode copy(JsonNode j) {
        return j == null || j.isNull() || j.isMissingNode() ? null : j.deepCopy();
    }
}
