package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.config.Durations;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.config.Setting;
import io.streamcast.models.Normalizer;
import io.streamcast.job.config.ConfigException;
import java.time.Duration;
import java.util.Locale;

/** The evaluation's keys of the job config, parsed; every bad value is a {@link ConfigException} naming key and fix. */
public final class EvaluationSettings {
    private EvaluationSettings() {
    }

    public static boolean enabled(JobConfig cfg) {
        String v = cfg.string(Setting.EVALUATION_ENABLED).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) throw bad(cfg, Setting.EVALUATION_ENABLED, "true or false");
        return v.equals("true");
    }

    public static String topic(JobConfig cfg) {
        String t = cfg.string(Setting.TOPIC_EVALUATIONS);
        if (t.isBlank()) throw bad(cfg, Setting.TOPIC_EVALUATIONS, "a topic name");
        return t;
    }

    /** Local runs: the Prometheus endpoint's port, 0 = none. */
    public static int prometheusPort(JobConfig cfg) {
        int p = integer(cfg, Setting.PROMETHEUS_PORT);
        if (p < 0 || p > 65535) throw bad(cfg, Setting.PROMETHEUS_PORT, "a port 0..65535");
        return p;
    }

    /**
     * The evaluation config of a job, or null when evaluation is off.
     *
     * @param steps      the assembler's config (actuals are its steps)
     * @param normalizer the model's normaliser (its std gives the normalised scale)
     */
    public static EvaluationConfig from(JobConfig cfg, AssemblerConfig steps, Normalizer normalizer) {
        if (!enabled(cfg)) return null;
        topic(cfg);
        Duration lateness;
        try {
            lateness = Durations.parse(cfg.string(Setting.EVALUATION_ALLOWED_LATENESS));
        } catch (IllegalArgumentException e) {
            throw bad(cfg, Setting.EVALUATION_ALLOWED_LATENESS, "a duration such as 30s, 5m, 1h");
        }
        if (lateness.isNegative()) throw bad(cfg, Setting.EVALUATION_ALLOWED_LATENESS, "a duration >= 0");
        int window = integer(cfg, Setting.EVALUATION_METRICS_WINDOW);
        if (window < 1) throw bad(cfg, Setting.EVALUATION_METRICS_WINDOW, "a count >= 1");
        int driftWindow = integer(cfg, Setting.DRIFT_WINDOW);
        if (driftWindow < 1) throw bad(cfg, Setting.DRIFT_WINDOW, "a count >= 1");
        double threshold;
        try {
            threshold = Double.parseDouble(cfg.string(Setting.DRIFT_THRESHOLD).trim());
        } catch (NumberFormatException e) {
            throw bad(cfg, Setting.DRIFT_THRESHOLD, "a number such as 0 or 0.1");
        }
        if (!Double.isFinite(threshold)) throw bad(cfg, Setting.DRIFT_THRESHOLD, "a finite number");
        return new EvaluationConfig(steps, normalizer.std(), lateness, window, driftWindow, threshold);
    }

    private static int integer(JobConfig cfg, Setting s) {
        try {
            return Integer.parseInt(cfg.string(s).trim());
        } catch (NumberFormatException e) {
            throw bad(cfg, s, "a whole number");
        }
    }

    private static ConfigException bad(JobConfig cfg, Setting s, String expected) {
        return new ConfigException(s.key() + "=" + cfg.string(s) + " is not valid; fix: use " + expected);
    }
}
