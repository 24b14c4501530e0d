package io.streamcast.cli;

import io.streamcast.command.Cli;
import picocli.CommandLine.Command;

/** The one entry point for people: {@code ./streamcast <command>}. */
@Command(
        name = "streamcast",
        mixinStandardHelpOptions = true,
        version = "streamcast 0.1.0",
        description = "Continuous multi-step forecasting for sensor streams (Flink + Kafka + DL4J LSTMs).",
        subcommands = {
            picocli.CommandLine.HelpCommand.class,
            io.streamcast.tools.KafkaCommand.class,
            io.streamcast.tools.ClusterCommand.class,
            io.streamcast.tools.SubmitCommand.class,
            io.streamcast.tools.StopCommand.class,
            io.streamcast.tools.CancelCommand.class,
            io.streamcast.tools.SimulateCommand.class,
            io.streamcast.tools.TailCommand.class,
            DemoCommand.class,
            io.streamcast.tools.AuditCommand.class,
            io.streamcast.tools.JunkCommand.class,
            io.streamcast.tools.FaultsCommand.class,
            io.streamcast.cli.model.TrainCommand.class,
            io.streamcast.cli.model.EvaluateCommand.class,
            io.streamcast.cli.model.PredictCommand.class,
            io.streamcast.cli.model.InspectCommand.class,
            io.streamcast.cli.model.PublishCommand.class,
            JobCommand.class,
            io.streamcast.cli.model.ImportKerasCommand.class,
            RollbackCommand.class,
            io.streamcast.bench.BenchCommand.class,
        })
public final class Streamcast implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new Streamcast(), args));
    }
}
