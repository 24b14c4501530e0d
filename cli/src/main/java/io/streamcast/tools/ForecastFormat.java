package io.streamcast.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.avro.Forecast;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** How {@code tail} prints a forecast: one compact line for people, or one JSON object per line. */
final class ForecastFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private ForecastFormat() {
    }

    /**
     * {@code sim-003  2026-11-27 13:40:01.250  etth1@3 flat  H=24 C=7  next: [6.1 2.0 ...]  last: [...]  lag 12 ms};
     * with target channels {@code C=1 [OT]}, with intervals {@code last: [17.2] 90%: [15.9..18.5]}.
     * Shows the first and the last forecast step; the full H x C values are in --json.
     */
    static String line(Forecast f) {
        int channels = f.getChannels();
        List<Float> values = f.getValues();
        String lag = f.getProducedAt() != null && f.getIssuedAt() != null
                ? (f.getProducedAt().toEpochMilli() - f.getIssuedAt().toEpochMilli()) + " ms" : "?";
        String targets = f.getTargets().isEmpty() ? "" : " " + f.getTargets().toString().replace(",", "");
        String interval = f.getLower().isEmpty() ? "" : String.format(Locale.ROOT, " %.0f%%: %s", 100 * f.getCoverage(),
                range(f.getLower(), f.getUpper(), f.getHorizon() - 1, channels));
        return String.format(Locale.ROOT, "%-12s %s  %s@%s %-8s H=%d C=%d%s  next: %s  last: %s%s  issued->produced %s",
                f.getSensorId(), TIME.format(f.getIssuedAt()), f.getModelName(), f.getModelVersion(), f.getHead(),
                f.getHorizon(), channels, targets, step(values, 0, channels), step(values, f.getHorizon() - 1, channels),
                interval, lag);
    }

    private static String range(List<Float> lower, List<Float> upper, int step, int channels) {
        StringBuilder out = new StringBuilder("[");
        for (int c = 0; c < channels; c++) {
            int i = step * channels + c;
            if (i >= lower.size() || i >= upper.size()) return out.append(" n/a]").toString();
            out.append(c == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3g..%.3g", lower.get(i), upper.get(i)));
        }
        return out.append(']').toString();
    }

    private static String step(List<Float> values, int step, int channels) {
        StringBuilder out = new StringBuilder("[");
        for (int c = 0; c < channels; c++) {
            int i = step * channels + c;
            if (i < 0 || i >= values.size()) {
                return out.append(" n/a]").toString();
            }
            out.append(c == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3g", values.get(i)));
        }
        return out.append(']').toString();
    }

    /** All fields as JSON; timestamps as ISO-8601 strings, values as the flat step-major array. */
    static String json(Forecast f) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("sensorId", f.getSensorId());
        node.put("issuedAt", iso(f.getIssuedAt()));
        node.put("modelName", f.getModelName());
        node.put("modelVersion", f.getModelVersion());
        node.put("head", f.getHead());
        node.put("stepMillis", f.getStepMillis());
        node.put("horizon", f.getHorizon());
        node.put("channels", f.getChannels());
        ArrayNode array = node.putArray("values");
        f.getValues().forEach(array::add);
        ArrayNode targets = node.putArray("targets");
        f.getTargets().forEach(t -> targets.add(t.toString()));
        if (!f.getLower().isEmpty()) {
            ArrayNode lower = node.putArray("lower");
            f.getLower().forEach(lower::add);
            ArrayNode upper = node.putArray("upper");
            f.getUpper().forEach(upper::add);
            node.put("coverage", f.getCoverage());
        }
        node.put("producedAt", iso(f.getProducedAt()));
        return node.toString();
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
