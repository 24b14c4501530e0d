package io.streamcast.job;

import io.streamcast.job.config.ConfigException;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.config.Setting;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Checkpoint storage of local runs (a MiniCluster): a directory, not the JobManager's heap, which
 * refuses checkpoints over 5 MB (about 1000 sensors with evaluation on). {@code local.checkpoint-dir}
 * names a directory that is kept; when it is empty, a temporary directory is used and removed when
 * the JVM exits (also on Ctrl-C or SIGTERM).
 */
public final class LocalCheckpoints {
    private final Path dir;
    private final boolean temporary;

    private LocalCheckpoints(Path dir, boolean temporary) {
        this.dir = dir;
        this.temporary = temporary;
    }

    /**
     * Points {@code conf}'s checkpoint storage at {@code explicitDir} if given, else at
     * {@code local.checkpoint-dir}, else at a new temporary directory removed at exit; null (and
     * nothing set) when the job takes no checkpoints.
     */
    public static LocalCheckpoints configure(Configuration conf, JobConfig cfg, String explicitDir) {
        String configured = explicitDir != null ? explicitDir : cfg.localCheckpointDir();
        if (cfg.checkpointInterval().isZero() && configured.isBlank()) return null;
        LocalCheckpoints c;
        try {
            if (configured.isBlank()) {
                c = new LocalCheckpoints(Files.createTempDirectory("streamcast-checkpoints-"), true);
                Runtime.getRuntime().addShutdownHook(new Thread(c::removeIfTemporary, "streamcast-checkpoints-cleanup"));
            } else {
                Path dir = configured.contains("://") ? Path.of(java.net.URI.create(configured)) : Path.of(configured);
                c = new LocalCheckpoints(Files.createDirectories(dir), false);
            }
        } catch (IOException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new ConfigException(Setting.LOCAL_CHECKPOINT_DIR.key() + "=" + configured
                    + " cannot be used for checkpoints (" + e.getMessage() + "); fix: name a writable local directory");
        }
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.dir.toUri().toString());
        return c;
    }

    public Path dir() {
        return dir;
    }

    /** Removes the directory if it is the temporary one; a directory the user named stays. */
    public void removeIfTemporary() {
        if (!temporary || !Files.exists(dir)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // removed meanwhile (Flink discards old checkpoints)
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // at exit nothing can be done about it; a stray temporary directory is harmless
            System.err.println("streamcast: could not remove " + dir + ": " + e);
        }
    }
}
