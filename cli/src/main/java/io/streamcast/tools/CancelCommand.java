package io.streamcast.tools;

import io.streamcast.process.FlinkRest;
import io.streamcast.command.UsageError;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamcast cancel JOB|--all}: cancels jobs on a session cluster and waits until they stopped. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel a job on the session cluster.",
            "PATCH /jobs/:id?mode=cancel, then waits until the job is CANCELED."})
public final class CancelCommand implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", arity = "0..1", description = "Job id (32 hex digits) as printed by submit.")
    String jobId;

    @Option(names = "--all", description = "Cancel every job that has not finished.")
    boolean all;

    @Option(names = "--rest", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081",
            description = "REST address of the cluster (default ${DEFAULT-VALUE}).")
    String rest;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "60",
            description = "Seconds to wait for CANCELED (default ${DEFAULT-VALUE}); 0 = do not wait.")
    int timeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if ((jobId == null) == !all) {
            throw new UsageError("give either a JOB id or --all");
        }
        if (jobId != null && !StopCommand.JOB_ID.matcher(jobId).matches()) {
            throw new UsageError("'" + jobId + "' is not a job id (32 hex digits); list jobs with './streamcast cluster status'");
        }
        FlinkRest flink = new FlinkRest(rest);
        List<String> jobs = all ? flink.unfinishedJobs() : List.of(jobId);
        for (String job : jobs) {
            flink.cancel(job);
        }
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        int failures = 0;
        for (String job : jobs) {
            String state = flink.jobState(job);
            while (timeoutSeconds > 0 && !isTerminal(state) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                state = flink.jobState(job);
            }
            System.out.println("cancel: job " + job + " " + state);
            if (timeoutSeconds > 0 && !isTerminal(state)) {
                failures++;
            }
        }
        if (jobs.isEmpty()) {
            System.out.println("cancel: no unfinished jobs");
        }
        return failures == 0 ? 0 : 1;
    }

    private static boolean isTerminal(String state) {
        return List.of("CANCELED", "FAILED", "FINISHED").contains(state);
    }
}
