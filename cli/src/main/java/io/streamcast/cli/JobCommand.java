package io.streamcast.cli;

import io.streamcast.job.ForecastJob;
import io.streamcast.job.LocalCheckpoints;
import io.streamcast.job.config.JobArgs;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.evaluation.PrometheusReporting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamcast job}: runs the forecasting job in a local Flink MiniCluster against the configured Kafka. */
@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the forecasting job in a local Flink (MiniCluster, web UI on localhost)",
            "against the configured Kafka. On a cluster, the job jar's main class",
            "io.streamcast.job.ForecastJob takes the same arguments.",
            "",
            "Example:",
            "  ./streamcast job --config config/job.properties parallelism=2"
        },
        footerHeading = "%nSettings (in the config file, or key=value on the command line; the command line wins):%n",
        modelTransformer = JobCommand.SettingsFooter.class)
public final class JobCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Job settings (a properties file, e.g. config/job.properties).")
    Path config;

    @Parameters(paramLabel = "KEY=VALUE", arity = "0..*", description = "Overrides of single settings, e.g. input.format=json.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--print-config", description = "Print the resolved settings (secrets masked) and exit.")
    boolean printConfig;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        if (config != null) {
            args.add("--config");
            args.add(config.toString());
        }
        args.addAll(overrides);
        JobConfig cfg = JobArgs.parse(args.toArray(String[]::new));
        if (printConfig) {
            spec.commandLine().getOut().print(cfg.describe());
            spec.commandLine().getOut().flush();
            return 0;
        }
        StreamExecutionEnvironment env = localEnvironment(cfg);
        ForecastJob.build(env, cfg);
        java.io.PrintWriter err = spec.commandLine().getErr();
        if (webUi(cfg)) err.println("streamcast: Flink web UI on http://localhost:" + cfg.webUiPort());
        err.println("streamcast: job '" + cfg.jobName() + "' running; readings from '" + cfg.readingsTopic()
                + "', forecasts to '" + cfg.forecastsTopic() + "'. Ctrl-C stops it.");
        err.flush();
        env.execute(cfg.jobName());
        return 0;
    }

    private static StreamExecutionEnvironment localEnvironment(JobConfig cfg) {
        Configuration conf = new Configuration();
        LocalCheckpoints.configure(conf, cfg, null);
        int prometheus = cfg.prometheusPort();
        if (prometheus > 0 && PrometheusReporting.available()) {
            PrometheusReporting.configure(conf, prometheus);
            System.err.println("streamcast: metrics for Prometheus on http://localhost:" + prometheus + "/metrics");
        }
        if (webUi(cfg)) {
            conf.set(RestOptions.BIND_ADDRESS, "localhost");
            conf.set(RestOptions.PORT, cfg.webUiPort());
            return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        }
        return StreamExecutionEnvironment.createLocalEnvironment(conf);
    }

    /** Lists every setting with its default in --help, from the one catalogue of settings. */
    static final class SettingsFooter implements picocli.CommandLine.IModelTransformer {
        @Override
        public picocli.CommandLine.Model.CommandSpec transform(picocli.CommandLine.Model.CommandSpec spec) {
            spec.usageMessage().footer(JobArgs.settingsHelp().replace("%", "%%").split("\\R"));
            return spec;
        }
    }

    private static boolean webUi(JobConfig cfg) {
        return cfg.webUiPort() > 0 && onClasspath("org.apache.flink.runtime.webmonitor.WebSubmissionExtension");
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, JobCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
