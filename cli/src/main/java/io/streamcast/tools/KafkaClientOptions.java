package io.streamcast.tools;

import io.streamcast.command.UsageError;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where a command's Kafka clients connect: --bootstrap, and --kafka-config, the same client
 * properties file the job reads as kafka.config (security.protocol, sasl.*, ssl.*): credentials
 * come from a file, never from the command line, where ps and shell histories would show them.
 */
final class KafkaClientOptions {
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: bootstrap.servers of --kafka-config, else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (e.g. SASL/TLS settings and credentials), as the job's kafka.config.")
    Path kafkaConfig;

    /** The client properties: the file's, then --bootstrap (or the default when neither names servers). */
    Properties properties() {
        Properties p = new Properties();
        if (kafkaConfig != null) {
            try (Reader r = Files.newBufferedReader(kafkaConfig)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageError("--kafka-config " + kafkaConfig + " cannot be read: " + e.getMessage());
            }
        }
        if (bootstrap != null) p.setProperty("bootstrap.servers", bootstrap);
        p.putIfAbsent("bootstrap.servers", DEFAULT_BOOTSTRAP);
        return p;
    }

    /** The bootstrap servers the clients use (for messages). */
    String servers() {
        return properties().getProperty("bootstrap.servers");
    }
}
