package io.streamcast.job.evaluation;

import java.util.Map;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * The Prometheus reporter (flink-metrics-prometheus) as Flink configuration: every metric of the job
 * on {@code http://HOST:PORT/metrics}. The same keys go into a cluster's config.yaml (see
 * docs/evaluation.md); here they configure local runs and tests.
 */
public final class PrometheusReporting {
    /** The reporter's name in the {@code metrics.reporter.<name>.*} keys. */
    public static final String REPORTER = "prom";
    public static final String FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    private PrometheusReporting() {
    }

    /** The reporter's keys: factory and port (a single port, or a range such as 9250-9260 for several TaskManagers on one host). */
    public static Map<String, String> settings(String port) {
        return Map.of(
                "metrics.reporter." + REPORTER + ".factory.class", FACTORY,
                "metrics.reporter." + REPORTER + ".port", port);
    }

    /** Adds the reporter to {@code conf}. */
    public static Configuration configure(Configuration conf, int port) {
        settings(String.valueOf(port)).forEach((k, v) ->
                conf.set(ConfigOptions.key(k).stringType().noDefaultValue(), v));
        return conf;
    }

    /** True when the reporter is on the classpath (the local run's; a cluster has it in plugins/). */
    public static boolean available() {
        try {
            Class.forName(FACTORY, false, PrometheusReporting.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
