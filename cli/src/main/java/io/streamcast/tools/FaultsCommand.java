package io.streamcast.tools;

import io.streamcast.process.DeployScripts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamcast faults}: the fault suite on a real broker and session cluster (deploy/faults.sh). */
@Command(name = "faults", mixinStandardHelpOptions = true,
        description = {"Fault suite: broker + session cluster + the job (exactly-once, hot reload) with simulated readings;",
            "TaskManager kill -9, broker outage, corrupt bundle, junk records. After each: 0 duplicated and 0 missing",
            "forecasts (read_committed) against the readings in Kafka, and the recovery time. Details: docs/deploy.md."})
public final class FaultsCommand implements Callable<Integer> {
    @Option(names = "--short", description = "Each scenario once with shorter runs (what CI runs).")
    boolean shortRun;

    @Option(names = "--scenarios", paramLabel = "LIST",
            description = "Comma-separated: tm-kill, broker-outage, bad-bundle, junk (default: all, in that order).")
    String scenarios;

    @Option(names = "--tm-kills", paramLabel = "N", description = "How often tm-kill runs (default 5, --short 1).")
    Integer tmKills;

    @Option(names = "--results", paramLabel = "FILE", description = "Append one line per run (default work/faults/results.tsv).")
    String results;

    @Parameters(paramLabel = "KEY=VALUE", description = "Job settings (e.g. checkpoint.interval=10s); default: the job's defaults.")
    List<String> settings = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        if (shortRun) args.add("--short");
        DeployScripts.option(args, "--scenarios", scenarios);
        DeployScripts.option(args, "--tm-kills", tmKills);
        DeployScripts.option(args, "--results", results);
        args.addAll(settings);
        return DeployScripts.run("faults.sh", args);
    }
}
