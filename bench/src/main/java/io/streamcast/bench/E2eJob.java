package io.streamcast.bench;

import io.streamcast.job.ForecastJob;
import io.streamcast.job.LocalCheckpoints;
import io.streamcast.job.config.JobArgs;
import io.streamcast.job.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job under test, in its own JVM (so its CPU and RSS can be measured apart from the load
 * generator): {@link ForecastJob#build} in a local MiniCluster, without web UI.
 * Arguments: {@code [--object-reuse] [--rest-port N] [--checkpoint-dir URI] key=value...}
 * (the job's settings, {@code watermark.interval} among them); the REST API (checkpoint
 * statistics, savepoints) answers on the port. Checkpoints go to the directory, or to a temporary
 * one removed when this JVM exits ({@link LocalCheckpoints}).
 * Prints {@link #READY} once the job is RUNNING, then runs until killed.
 */
public final class E2eJob {
    static final String READY = "streamcast-bench: job running";

    private E2eJob() {
    }

    public static void main(String[] args) throws Exception {
        boolean objectReuse = false;
        int restPort = 0;
        String checkpointDir = null;
        String managedMemory = null;
        List<String> settings = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--object-reuse" -> objectReuse = true;
                case "--rest-port" -> restPort = Integer.parseInt(args[++i]);
                case "--checkpoint-dir" -> checkpointDir = args[++i];
                case "--managed-memory" -> managedMemory = args[++i];
                default -> settings.add(args[i]);
            }
        }
        JobConfig cfg = JobArgs.parse(settings.toArray(String[]::new));
        Configuration conf = new Configuration();
        conf.set(RestOptions.PORT, restPort);
        // every checkpoint of a bench run in the REST history, so the end of the run can say why any failed
        conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 1000);
        if (managedMemory != null) conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(managedMemory));
        LocalCheckpoints.configure(conf, cfg, checkpointDir);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        if (objectReuse) env.getConfig().enableObjectReuse();
        ForecastJob.build(env, cfg);
        JobClient client = env.executeAsync(cfg.jobName());
        while (client.getJobStatus().get() != JobStatus.RUNNING) {
            if (client.getJobStatus().get().isGloballyTerminalState()) {
                client.getJobExecutionResult().get(); // throws with the reason
                return;
            }
            Thread.sleep(100);
        }
        System.out.println(READY);
        System.out.flush();
        client.getJobExecutionResult().get();
    }
}
