package io.streamcast.job.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The Flink runtime for the job's integration tests: a MiniCluster with one TaskManager of two
 * slots (parallelism 2), fixed-delay restarts (so an injected failure restarts from the last
 * checkpoint quickly), and an in-memory metrics reporter so tests can read the job's metrics.
 */
public final class FlinkMiniCluster {
    public static final int PARALLELISM = 2;
    /** Metrics of finished jobs are kept so tests can read them after the job ends. */
    public static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    private FlinkMiniCluster() {
    }

    public static MiniClusterExtension extension() {
        return extension(METRICS::addToConfiguration);
    }

    /**
     * The same MiniCluster with other settings (e.g. another metrics reporter) and without
     * {@link #METRICS}: that reporter retains the metrics of every job of the JVM, so jobs of other
     * test classes would show up among the metrics those tests read.
     */
    public static MiniClusterExtension extension(java.util.function.Consumer<Configuration> customise) {
        Configuration conf = new Configuration();
        customise.accept(conf);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofMillis(200));
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(PARALLELISM)
                .build());
    }
}
