package io.streamcast.job.config;

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
                if (i + 1 >= args.length) throw new ConfigException("--config needs a file; fix: --config config/job.properties");
                file = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                file = Path.of(a.substring("--config=".length()));
            } else if (a.contains("=") && !a.startsWith("-")) {
                overrides.add(a);
            } else {
                throw new ConfigException("unexpected argument '" + a + "'; fix: pass [--config FILE] [key=value ...]");
            }
        }
        return JobConfig.load(file, overrides);
    }

    /** The settings table for --help: "key = default", then the description, wrapped and indented. */
    public static String settingsHelp() {
        StringBuilder sb = new StringBuilder();
        for (Setting s : Setting.values()) {
            sb.append("  ").append(s.key()).append(" = ").append(s.defaultValue().isEmpty() ? "(none)" : s.defaultValue()).append('\n');
            wrap(sb, s.description());
        }
        sb.append("  kafka.<client setting>\n");
        wrap(sb, "Any Kafka client setting, e.g. kafka.bootstrap.servers=host:9092 (wins over the kafka.config file).");
        return sb.toString();
    }

    private static void wrap(StringBuilder sb, String text) {
        StringBuilder line = new StringBuilder("      ");
        for (String word : text.split(" ")) {
            if (line.length() + word.length() > 78 && line.length() > 6) {
                sb.append(line).append('\n');
                line = new StringBuilder("      ");
            }
            line.append(line.length() > 6 ? " " : "").append(word);
        }
        sb.append(line).append('\n');
    }
}
