package io.streamcast.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Split-conformal prediction intervals: for each horizon step and target channel, quantiles of the absolute
 * forecast error (raw units) on calibration windows the network was not fitted on. A forecast {@code f} with
 * half-width {@code q} gives the interval {@code [f - q, f + q]}; if calibration and future errors are
 * exchangeable it covers the actual value with probability at least the coverage (the quantile is the
 * {@code ceil((n+1) * coverage)}-th smallest of n errors).
 *
 * <p>{@link io.streamcast.models.eval.Calibration} computes them. Half-widths are stored for a fixed grid of coverages ({@link #COVERAGES}), so the coverage is chosen
 * when forecasts are served, without the calibration errors.
 *
 * @param windows   calibration windows n
 * @param split     where they came from (e.g. "validation rows 8640..11520")
 * @param coverages the stored coverages, ascending
 * @param halfWidth per coverage, H*C_out half-widths, step-major (step, then target)
 */
public record Intervals(int windows, String split, double[] coverages, float[][] halfWidth) {

    /** The coverages a calibration stores. */
    public static final double[] COVERAGES = {0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99};
    public static final double DEFAULT_COVERAGE = 0.9;

    public Intervals {
        if (coverages.length != halfWidth.length || coverages.length == 0) {
            throw new IllegalArgumentException("intervals: " + coverages.length + " coverages, " + halfWidth.length
                    + " half-width rows");
        }
        for (int i = 0; i < coverages.length; i++) {
            if (!(coverages[i] > 0 && coverages[i] < 1)) {
                throw new IllegalArgumentException("intervals: coverage " + coverages[i] + " is not in (0, 1)");
            }
            if (halfWidth[i].length != halfWidth[0].length) {
                throw new IllegalArgumentException("intervals: half-width rows differ in length");
            }
            for (float q : halfWidth[i]) {
                if (!(q >= 0) || Float.isInfinite(q)) {
                    throw new IllegalArgumentException("intervals: half-width " + q + " at coverage " + coverages[i]);
                }
            }
        }
        coverages = coverages.clone();
        halfWidth = Arrays.stream(halfWidth).map(float[]::clone).toArray(float[][]::new);
    }

    /** H*C_out half-widths for one of the stored coverages. */
    public float[] halfWidths(double coverage) {
        for (int i = 0; i < coverages.length; i++) {
            if (Math.abs(coverages[i] - coverage) < 1e-9) return halfWidth[i].clone();
        }
        throw new IllegalArgumentException("coverage " + coverage + " is not calibrated; the bundle has "
                + Arrays.toString(coverages));
    }

    /** Whether forecasts can be served at this coverage: it is one of {@link #COVERAGES}. */
    public static boolean servable(double coverage) {
        for (double c : COVERAGES) if (Math.abs(c - coverage) < 1e-9) return true;
        return false;
    }

    public boolean has(double coverage) {
        for (double c : coverages) if (Math.abs(c - coverage) < 1e-9) return true;
        return false;
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("method", "split-conformal, absolute error per step and target, raw units");
        n.put("windows", windows);
        n.put("split", split);
        ArrayNode c = n.putArray("coverages");
        for (double v : coverages) c.add(v);
        ArrayNode hw = n.putArray("halfWidth");
        for (float[] row : halfWidth) {
            ArrayNode r = hw.addArray();
            for (float v : row) r.add(v);
        }
        return n;
    }

    /** Parses {@link #toJson()}; IllegalArgumentException names the bad field. */
    public static Intervals fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("intervals: expected an object");
        JsonNode c = n.get("coverages");
        JsonNode hw = n.get("halfWidth");
        if (c == null || !c.isArray() || hw == null || !hw.isArray()) {
            throw new IllegalArgumentException("intervals: coverages and halfWidth arrays are required");
        }
        double[] coverages = new double[c.size()];
        for (int i = 0; i < coverages.length; i++) coverages[i] = c.get(i).asDouble(Double.NaN);
        float[][] q = new float[hw.size()][];
        for (int i = 0; i < q.length; i++) {
            JsonNode row = hw.get(i);
            if (!row.isArray()) throw new IllegalArgumentException("intervals.halfWidth[" + i + "]: expected an array");
            q[i] = new float[row.size()];
            for (int j = 0; j < q[i].length; j++) {
                if (!row.get(j).isNumber()) {
                    throw new IllegalArgumentException("intervals.halfWidth[" + i + "][" + j + "]: not a number");
                }
                q[i][j] = row.get(j).floatValue();
            }
        }
        return new Intervals(n.path("windows").asInt(0), n.path("split").asText(""), coverages, q);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Intervals i && windows == i.windows && split.equals(i.split)
                && Arrays.equals(coverages, i.coverages) && Arrays.deepEquals(halfWidth, i.halfWidth);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(coverages) + Arrays.deepHashCode(halfWidth);
    }

    @Override
    public String toString() {
        return "Intervals{" + windows + " windows, " + split + ", coverages " + Arrays.toString(coverages) + "}";
    }
}
