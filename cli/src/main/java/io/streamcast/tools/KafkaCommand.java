package io.streamcast.tools;

import io.streamcast.process.DeployScripts;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamcast kafka start|stop|status|create-topics}: a real single-node KRaft broker (deploy/kafka.sh). */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = {"Run a real single-node Kafka broker (KRaft) on 127.0.0.1.",
            "Jars come from Maven (deploy/pom.xml); data, logs and pid file under work/kafka."},
        subcommands = {KafkaCommand.Start.class, KafkaCommand.Stop.class, KafkaCommand.Status.class,
            KafkaCommand.CreateTopics.class})
public final class KafkaCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every action shares. */
    static class Where extends DeployScripts.Script {
        @Option(names = "--work-dir", paramLabel = "DIR",
                description = "Data, logs and pid file (default: <repo>/work/kafka, or $STREAMCAST_WORK/kafka).")
        Path workDir;

        Where() {
            super("kafka.sh");
        }

        @Override
        protected Path workDir() {
            return workDir;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Format storage (first time), start the broker, wait until it answers.")
    static final class Start implements Callable<Integer> {
        @picocli.CommandLine.Mixin Where where = new Where();

        @Option(names = "--port", description = "Client listener port (default 9092).")
        Integer port;

        @Option(names = "--controller-port", description = "KRaft controller port (default 9093).")
        Integer controllerPort;

        @Option(names = "--topics", paramLabel = "SPEC",
                description = "Create these topics once up: name[:partitions],... e.g. sensor-readings:2,forecasts:2")
        String topics;

        @Option(names = "--heap", paramLabel = "SIZE", description = "Broker heap, e.g. 512m (default 1g).")
        String heap;

        @Option(names = "--sasl", description = "The client listener requires SASL_PLAINTEXT with SCRAM-SHA-256; "
                + "random passwords; client settings with the credentials in <work-dir>/client.properties "
                + "(mode 600) for kafka.config / --kafka-config.")
        boolean sasl;

        @Option(names = "--tls", description = "SASL over TLS (SASL_SSL; implies --sasl): a self-signed certificate "
                + "for 127.0.0.1/localhost made with keytool; its truststore is named in client.properties.")
        boolean tls;

        @Override
        public Integer call() {
            List<String> args = where.args("start");
            DeployScripts.option(args, "--port", port);
            DeployScripts.option(args, "--controller-port", controllerPort);
            DeployScripts.option(args, "--topics", topics);
            DeployScripts.option(args, "--heap", heap);
            if (sasl) args.add("--sasl");
            if (tls) args.add("--tls");
            return where.run(args);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "SIGTERM the broker and wait until it has exited.")
    static final class Stop implements Callable<Integer> {
        @picocli.CommandLine.Mixin Where where = new Where();

        @Override
        public Integer call() {
            return where.run("stop");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Whether the broker runs, its address and its topics (exit 3 if not running).")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin Where where = new Where();

        @Override
        public Integer call() {
            return where.run("status");
        }
    }

    @Command(name = "create-topics", mixinStandardHelpOptions = true,
            description = "Create topics if missing on the running broker.")
    static final class CreateTopics implements Callable<Integer> {
        @picocli.CommandLine.Mixin Where where = new Where();

        @Parameters(paramLabel = "SPEC", description = "name[:partitions],... e.g. sensor-readings:2,forecasts:2")
        String topics;

        @Override
        public Integer call() {
            List<String> args = where.args("create-topics");
            args.add(1, topics);
            return where.run(args);
        }
    }
}
