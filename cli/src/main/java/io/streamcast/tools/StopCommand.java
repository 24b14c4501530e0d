package io.streamcast.tools;

import io.streamcast.process.FlinkRest;
import io.streamcast.command.UsageError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamcast stop JOB}: stop-with-savepoint over REST; prints the savepoint to resubmit from. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop a job with a savepoint (for an upgrade, a rescale or a move).",
            "POST /jobs/:id/stop, waits for the savepoint and prints its path on stdout; resume with",
            "'./streamcast submit --from-savepoint PATH [--parallelism N] ...'. See docs/operating.md."})
public final class StopCommand implements Callable<Integer> {
    static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");

    @Parameters(paramLabel = "JOB", description = "Job id (32 hex digits) as printed by submit.")
    String jobId;

    @Option(names = "--savepoint-dir", paramLabel = "DIR",
            description = "Where the savepoint goes: a directory or URI every JobManager and TaskManager can reach "
                    + "(default: the cluster's execution.checkpointing.savepoint-dir, work/flink/savepoints here).")
    String savepointDir;

    @Option(names = "--drain", description = "Advance event time to the end first: pending windows and timers fire "
            + "and the state is emptied. For a final stop; an upgrade or rescale must NOT drain "
            + "(the sensors' buffered readings would be lost to the next job).")
    boolean drain;

    @Option(names = "--rest", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081",
            description = "REST address of the cluster (default ${DEFAULT-VALUE}).")
    String rest;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "300",
            description = "Seconds to wait for the savepoint (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!JOB_ID.matcher(jobId).matches()) {
            throw new UsageError("'" + jobId + "' is not a job id (32 hex digits); list jobs with './streamcast cluster status'");
        }
        if (timeoutSeconds < 1) {
            throw new UsageError("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        String target = savepointDir == null || savepointDir.contains("://")
                ? savepointDir : Path.of(savepointDir).toAbsolutePath().normalize().toUri().toString();
        FlinkRest flink = new FlinkRest(rest);
        String trigger = flink.stopWithSavepoint(jobId, target, drain);
        System.err.println("stop: savepoint of job " + jobId + " triggered" + (drain ? " (draining)" : "") + "; waiting");
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String location = flink.savepointStatus(jobId, trigger);
        while (location == null) {
            if (System.nanoTime() > deadline) {
                System.err.println("stop: no savepoint within " + timeoutSeconds + " s; the job is "
                        + flink.jobState(jobId) + "; see the JobManager log");
                return 1;
            }
            Thread.sleep(250);
            location = flink.savepointStatus(jobId, trigger);
        }
        System.out.println(location);
        System.err.println("stop: job " + jobId + " stopped; resume with './streamcast submit --from-savepoint "
                + location + " ...'");
        return 0;
    }
}
