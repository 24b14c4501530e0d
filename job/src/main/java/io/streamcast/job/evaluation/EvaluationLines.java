package io.streamcast.job.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.avro.ForecastEvaluation;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code streamcast tail --evaluation} prints the evaluation topic: one line (or JSON object) per
 * scored forecast with its MSE, Repeat's and the skill, plus the sensor's live skill over its last
 * {@code last} forecasts. Keeps that per-sensor history, so one instance per tail.
 */
public final class EvaluationLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int last;
    private final LiveSkill skill;

    public EvaluationLines(int last) {
        if (last < 1) throw new IllegalArgumentException("--last must be at least 1, got " + last);
        this.last = last;
        this.skill = new LiveSkill(last);
    }

    /** Decodes one evaluation record and formats it as a line. */
    public String line(byte[] value) throws java.io.IOException {
        ForecastEvaluation e = EvaluationRecords.decode(value);
        return line(e, skill.add(e), last);
    }

    /** Decodes one evaluation record and formats it as a JSON object. */
    public String json(byte[] value) throws java.io.IOException {
        ForecastEvaluation e = EvaluationRecords.decode(value);
        return json(e, skill.add(e), last);
    }

    static double mean(List<Float> a) {
        double s = 0;
        for (float v : a) s += v;
        return s / a.size();
    }

    static double skill(double model, double repeat) {
        return repeat > 0 ? 1 - model / repeat : Double.NaN;
    }

    /** {@code issuedAt sensor model@version  MSE m  Repeat r  skill s  | sensor skill (last n) S}. */
    static String line(ForecastEvaluation e, double sensorSkill, int last) {
        double m = mean(e.getModelSquaredErrorNormalized());
        double r = mean(e.getRepeatSquaredErrorNormalized());
        return String.format(Locale.ROOT, "%s  %-16s %s@%s  MSE %.4f  Repeat %.4f  skill %+.3f  | sensor skill (last %d) %+.3f",
                e.getIssuedAt(), e.getSensorId(), e.getModelName(), e.getModelVersion(), m, r, skill(m, r), last, sensorSkill);
    }

    static String json(ForecastEvaluation e, double sensorSkill, int last) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sensorId", e.getSensorId());
        n.put("issuedAt", e.getIssuedAt().toString());
        n.put("modelName", e.getModelName());
        n.put("modelVersion", e.getModelVersion());
        double m = mean(e.getModelSquaredErrorNormalized());
        double r = mean(e.getRepeatSquaredErrorNormalized());
        n.put("mse", m);
        n.put("repeatMse", r);
        n.put("skill", skill(m, r));
        n.put("sensorSkill", sensorSkill);
        n.put("sensorSkillOver", last);
        ArrayNode steps = n.putArray("mseByStep");
        e.getModelSquaredErrorNormalized().forEach(steps::add);
        ArrayNode rsteps = n.putArray("repeatMseByStep");
        e.getRepeatSquaredErrorNormalized().forEach(rsteps::add);
        ArrayNode raw = n.putArray("maeRawByStep");
        e.getModelAbsError().forEach(raw::add);
        try {
            return JSON.writeValueAsString(n);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Each sensor's skill over its last N evaluations: 1 - sum MSE_model / sum MSE_repeat. */
    static final class LiveSkill {
        private final int last;
        private final Map<String, ArrayDeque<double[]>> bySensor = new HashMap<>();

        LiveSkill(int last) {
            this.last = last;
        }

        double add(ForecastEvaluation e) {
            ArrayDeque<double[]> q = bySensor.computeIfAbsent(e.getSensorId(), k -> new ArrayDeque<>());
            q.addLast(new double[] {mean(e.getModelSquaredErrorNormalized()), mean(e.getRepeatSquaredErrorNormalized())});
            if (q.size() > last) q.removeFirst();
            double m = 0, r = 0;
            for (double[] v : q) {
                m += v[0];
                r += v[1];
            }
            return skill(m, r);
        }
    }
}
