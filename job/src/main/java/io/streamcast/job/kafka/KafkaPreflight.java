package io.streamcast.job.kafka;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the job starts, that Kafka answers with the configured client settings and that
 * the job's four topics exist: otherwise the source would wait forever and the sinks would fail
 * and restart in a loop, far from the cause. Missing topics are an error with
 * {@code preflight.require-topics=true}, else a warning (brokers that auto-create topics create
 * them on first use).
 */
public final class KafkaPreflight {
    private KafkaPreflight() {
    }

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

    public static void check(JobConfig cfg, Duration timeout) {
        // Exactly-once sinks with pooled transactional ids look for open transactions on their topics
        // at start, which fails (and restarts the job in a loop) while a topic does not exist.
        List<String> transactional = cfg.guarantee() != JobConfig.Guarantee.EXACTLY_ONCE ? List.of()
                : cfg.evaluationEnabled() ? List.of(cfg.forecastsTopic(), cfg.evaluationsTopic()) : List.of(cfg.forecastsTopic());
        List<String> wanted = new ArrayList<>(jobTopics(cfg));
        for (String t : transactional) if (!wanted.contains(t)) wanted.add(t);
        List<String> missing = missingTopics(cfg, timeout, wanted);
        if (missing.isEmpty()) return;
        List<String> missingTransactional = missing.stream().filter(transactional::contains).toList();
        String message = "Kafka topic(s) " + String.join(", ", missing) + " do not exist at " + cfg.requireBootstrapServers()
                + (missingTransactional.isEmpty() ? "" : " (delivery.guarantee=exactly-once needs "
                        + String.join(", ", missingTransactional) + " before the job starts: its sinks look for open transactions there)")
                + "; fix: create them (e.g. ./streamcast kafka create-topics " + String.join(",", missing)
                + ") or point topic.* at existing ones";
        if (cfg.requireTopics() || !missingTransactional.isEmpty()) throw new ConfigException(message);
        LOG.warn("{} (continuing: the broker may create them automatically; preflight.require-topics=true makes this an error)", message);
    }

    private static List<String> jobTopics(JobConfig cfg) {
        return List.of(cfg.readingsTopic(), cfg.forecastsTopic(), cfg.deadLetterTopic(), cfg.lateTopic());
    }

    /** The job's topics that do not exist; a ConfigException when Kafka cannot be reached. */
    public static List<String> missingTopics(JobConfig cfg, Duration timeout) {
        return missingTopics(cfg, timeout, jobTopics(cfg));
    }

    private static List<String> missingTopics(JobConfig cfg, Duration timeout, List<String> topics) {
        Properties props = cfg.kafkaProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Set<String> existing;
        try (Admin admin = Admin.create(props)) {
            existing = admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeout.toMillis()))
                    .names().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new ConfigException("cannot reach Kafka at " + cfg.requireBootstrapServers() + " within " + timeout.toSeconds()
                    + " s (" + rootMessage(e) + "); fix: check kafka.bootstrap.servers and the security settings in kafka.config");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Kafka", e);
        }
        List<String> missing = new ArrayList<>();
        for (String t : topics) {
            if (!existing.contains(t)) missing.add(t);
        }
        return missing;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
