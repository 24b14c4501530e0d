package io.streamcast.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** JSON form of {@link ModelSpec} (as written in manifest.json). */
public final class ModelSpecs {
    private ModelSpecs() {
    }

    /**
     * What a running job would refuse when its model moves from {@code current} to {@code next}:
     * a different window T, channel count C or head, e.g. "window T 48 (was 24), head per-step (was
     * flat)"; null when none differs.
     */
    public static String incompatibility(ModelSpec current, ModelSpec next) {
        List<String> diffs = new ArrayList<>();
        if (next.window() != current.window()) {
            diffs.add("window T " + next.window() + " (was " + current.window() + ")");
        }
        if (next.channels().size() != current.channels().size()) {
            diffs.add("channels C " + next.channels().size() + " (was " + current.channels().size() + ")");
        }
        if (next.head() != current.head()) {
            diffs.add("head " + next.head().cliName() + " (was " + current.head().cliName() + ")");
        }
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }

    public static ObjectNode toJson(ModelSpec s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("window", s.window());
        ArrayNode ch = n.putArray("channels");
        s.channels().forEach(ch::add);
        n.put("horizon", s.horizon());
        n.put("head", s.head().cliName());
        n.put("perStepTarget", s.perStepTarget().cliName());
        n.put("units", s.units());
        n.put("layers", s.layers());
        n.put("activation", s.activation());
        n.put("stepMillis", s.stepMillis());
        ArrayNode t = n.putArray("targets");
        s.targets().forEach(t::add);
        if (s.channelIndependent()) n.put("channelIndependent", true);
        return n;
    }

    /** Parses {@link #toJson}; IllegalArgumentException names the missing or bad field. */
    public static ModelSpec fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("spec: expected an object");
        JsonNode ch = n.get("channels");
        if (ch == null || !ch.isArray()) throw new IllegalArgumentException("spec.channels: expected an array of names");
        List<String> channels = new ArrayList<>();
        ch.forEach(x -> channels.add(x.asText()));
        JsonNode target = n.get("perStepTarget");
        // bundles written before target channels forecast every input channel
        List<String> targets = null;
        JsonNode tg = n.get("targets");
        if (tg != null && !tg.isNull()) {
            if (!tg.isArray()) throw new IllegalArgumentException("spec.targets: expected an array of channel names");
            targets = new ArrayList<>();
            for (JsonNode x : tg) targets.add(x.asText());
        }
        return new ModelSpec(
                integer(n, "window"),
                channels,
                integer(n, "horizon"),
                Head.parse(text(n, "head")),
                target == null || target.isNull() ? PerStepTarget.NEXT : PerStepTarget.parse(target.asText()),
                integer(n, "units"),
                integer(n, "layers"),
                n.hasNonNull("activation") ? n.get("activation").asText() : "tanh",
                n.hasNonNull("stepMillis") ? n.get("stepMillis").asLong() : 0L,
                targets,
                bool(n, "channelIndependent"));
    }

    private static int integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("spec." + field + ": expected an integer, got " + v);
        }
        return v.intValue();
    }

    /** Absent or null: false (bundles written before the field existed). */
    private static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw new IllegalArgumentException("spec." + field + ": expected true or false, got " + v);
        return v.booleanValue();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("spec." + field + ": expected a string, got " + v);
        return v.asText();
    }
}
