package io.streamcast.job.config;

import io.streamcast.models.cli.UsageError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's program arguments, the same locally and on a cluster:
 * {@code [--config FILE] [key=value ...]}.
 */
public final class JobArgs {
    private JobArgs() {
    }

    public static JobConfig parse(String... args) {
        Path file = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config") || a.equals("-c")) {
                if (i + 1 >= args.length) throw new UsageError("--config needs a file; fix: --config config/job.properties");
                file = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                file = Path.of(a.substring("--config=".length()));
            } else if (a.contains("=") && !a.startsWith("-")) {
                overrides.add(a);
            } else {
                throw new UsageError("unexpected argument '" + a + "'; fix: pass [--config FILE] [key=value ...]");
            }
        }
        return JobConfig.load(file, overrides);
    }

    /** The settings table for --help. */
    public static String settingsHelp() {
        StringBuilder sb = new StringBuilder();
        for (Setting s : Setting.values()) {
            sb.append(String.format("  %-34s %s%n      default: %s%n", s.key(), s.description(),
                    s.defaultValue().isEmpty() ? "(none)" : s.defaultValue()));
        }
        sb.append(String.format("  %-34s %s%n", "kafka.<client setting>",
                "Any Kafka client setting, e.g. kafka.bootstrap.servers=host:9092 (wins over kafka.config)."));
        return sb.toString();
    }
}
