package io.streamcast.tools;

import io.streamcast.process.FlinkRest;
import io.streamcast.process.DeployScripts;
import io.streamcast.command.UsageError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code streamcast submit}: uploads the job jar to a session cluster over REST and runs it. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit the job jar to a Flink session cluster over REST.",
            "Uploads job/target/streamcast-job-*-all.jar, runs it, prints the job id and its web UI page.",
            "Every other argument goes to the job's main method, in order, "
                + "e.g. ./streamcast submit --parallelism 2 --bootstrap 127.0.0.1:9092 (use -- before job "
                + "options whose names clash with submit's)."})
public final class SubmitCommand implements Callable<Integer> {
    @Option(names = "--rest", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081",
            description = "REST address of the cluster (default ${DEFAULT-VALUE}).")
    String rest;

    @Option(names = {"-p", "--parallelism"}, paramLabel = "N", description = "Job parallelism (default: the cluster's).")
    Integer parallelism;

    @Option(names = "--jar", paramLabel = "FILE", description = "Job jar (default: the -all jar under job/target).")
    Path jar;

    @Option(names = "--entry-class", paramLabel = "CLASS",
            description = "Main class (default: the jar's Main-Class, io.streamcast.job.ForecastJob).")
    String entryClass;

    @Option(names = "--from-savepoint", paramLabel = "PATH",
            description = "Start from this savepoint (or retained checkpoint), as printed by 'streamcast stop': "
                    + "the sensors' windows, waiting forecasts, model pointer and Kafka offsets are restored. "
                    + "--parallelism may differ (up to the job's parallelism.max).")
    String fromSavepoint;

    @Option(names = "--allow-non-restored-state",
            description = "With --from-savepoint: start although the savepoint holds state of an operator the "
                    + "new job no longer has (that state is dropped; see docs/operating.md before using it).")
    boolean allowNonRestoredState;

    @Option(names = "--keep-jar", description = "Leave the uploaded jar on the cluster (default: delete it once the job runs).")
    boolean keepJar;

    /** Everything submit does not know goes to the job, in order, so job options need no "--". */
    @Unmatched
    List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (parallelism != null && parallelism < 1) {
            throw new UsageError("--parallelism must be at least 1, got " + parallelism);
        }
        if (allowNonRestoredState && fromSavepoint == null) {
            throw new UsageError("--allow-non-restored-state needs --from-savepoint PATH");
        }
        Path jobJar = jar != null ? jar : DeployScripts.jobJar();
        if (!Files.isRegularFile(jobJar)) {
            throw new UsageError("job jar " + jobJar + " not found; build it with 'mvn -B -DskipTests package'");
        }
        FlinkRest flink = new FlinkRest(rest);
        System.err.printf("submit: uploading %s (%.1f MiB) to %s%n", jobJar.getFileName(),
                Files.size(jobJar) / (1024.0 * 1024.0), flink.baseUrl());
        String jarId = flink.uploadJar(jobJar);
        String jobId;
        try {
            jobId = flink.runJar(jarId, entryClass, jobArgs, parallelism, fromSavepoint, allowNonRestoredState);
        } finally {
            if (!keepJar) {
                flink.deleteJar(jarId);
            }
        }
        System.out.println(jobId);
        System.err.println("submit: job " + jobId + " submitted; web UI: " + flink.jobUrl(jobId));
        if (fromSavepoint != null) {
            System.err.println("submit: restored from " + fromSavepoint);
        }
        System.err.println("submit: stop it with './streamcast stop " + jobId + "' (savepoint) or './streamcast cancel "
                + jobId + "'");
        return 0;
    }
}
