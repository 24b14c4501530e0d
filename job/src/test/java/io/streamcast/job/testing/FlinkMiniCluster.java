package io.streamcast.job.testing;

import java.util.function.Consumer;
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
    /**
     * The metrics reporter of the MiniCluster of the test class running now; metrics of finished jobs
     * are kept so tests can read them after the job ends. A new one per MiniCluster: a MiniCluster
     * that shuts down closes its reporter, which empties it and unregisters it for good, so a shared
     * one would see nothing from the second test class on.
     */
    public static volatile InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    private FlinkMiniCluster() {
    }

    /** The MiniCluster with {@link #METRICS} as its reporter. */
    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(() -> { // called in beforeAll of each test class
            METRICS = InMemoryReporter.createWithRetainedMetrics();
            return configuration(METRICS::addToConfiguration);
        });
    }

    /** The same MiniCluster with other settings (e.g. another metrics reporter) and without {@link #METRICS}. */
    public static MiniClusterExtension extension(Consumer<Configuration> customise) {
        return new MiniClusterExtension(() -> configuration(customise));
    }

    private static MiniClusterResourceConfiguration configuration(Consumer<Configuration> customise) {
        Configuration conf = new Configuration();
        customise.accept(conf);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofMillis(200));
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(PARALLELISM)
                .build();
    }
}
