package io.streamcast.bench;

import picocli.CommandLine.Command;

/** {@code streamcast bench inference|e2e}: measured speed, printed and as JSON (see BENCHMARKS.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: inference (JMH, per batch size, vs the matrix-multiply peak), e2e (Kafka -> job -> Kafka), soak (steady load on a session cluster: is state, memory, checkpointing flat?) and coverage (the intervals' empirical coverage per step through the job).",
        subcommands = {InferenceBenchCommand.class, E2eBenchCommand.class, SoakBenchCommand.class, CoverageBenchCommand.class, JfrSummaryCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
