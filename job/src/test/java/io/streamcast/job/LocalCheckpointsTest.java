package io.streamcast.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.ConfigException;
import io.streamcast.job.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local runs checkpoint to a directory: state above the JobManager memory storage's 5 MB checkpoints. */
class LocalCheckpointsTest {
    @TempDir
    Path tmp;

    @Test
    void withoutADirectoryATemporaryOneIsUsedAndRemoved() {
        Configuration conf = new Configuration();
        LocalCheckpoints c = LocalCheckpoints.configure(conf, JobConfig.of(Map.of()), null);
        assertTrue(Files.isDirectory(c.dir()));
        assertEquals("filesystem", conf.get(CheckpointingOptions.CHECKPOINT_STORAGE));
        assertEquals(c.dir().toUri().toString(), conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        c.removeIfTemporary();
        assertFalse(Files.exists(c.dir()));
    }

    @Test
    void aNamedDirectoryIsCreatedAndKept() throws Exception {
        Path dir = tmp.resolve("a/b");
        Configuration conf = new Configuration();
        LocalCheckpoints c = LocalCheckpoints.configure(conf, JobConfig.of(Map.of("local.checkpoint-dir", dir.toString())), null);
        assertEquals(dir, c.dir());
        Files.writeString(dir.resolve("x"), "x");
        c.removeIfTemporary();
        assertTrue(Files.exists(dir.resolve("x")));
        // the bench passes a file: URI
        assertEquals(dir, LocalCheckpoints.configure(new Configuration(), JobConfig.of(Map.of()), dir.toUri().toString()).dir());
    }

    @Test
    void noCheckpointsNoDirectory() {
        Configuration conf = new Configuration();
        assertNull(LocalCheckpoints.configure(conf, JobConfig.of(Map.of("checkpoint.interval", "0s")), null));
        assertFalse(conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    }

    @Test
    void anUnusableDirectoryNamesTheSetting() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        ConfigException e = assertThrows(ConfigException.class, () -> LocalCheckpoints.configure(new Configuration(),
                JobConfig.of(Map.of("local.checkpoint-dir", file.resolve("sub").toString())), null));
        assertTrue(e.getMessage().startsWith("local.checkpoint-dir="), e.getMessage());
    }

    /** Released once a checkpoint holding {@link BigState}'s 8 MB completed. */
    static final CountDownLatch CHECKPOINTED = new CountDownLatch(1);

    @Test
    void aLocalEnvironmentCheckpointsStateAboveFiveMegabytes() throws Exception {
        Path dir = tmp.resolve("checkpoints");
        Configuration conf = new Configuration();
        JobConfig cfg = JobConfig.of(Map.of("local.checkpoint-dir", dir.toString(), "checkpoint.interval", "200ms"));
        LocalCheckpoints.configure(conf, cfg, null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        ForecastJob.configure(env, cfg);
        env.fromSequence(0, Long.MAX_VALUE).map(new BigState()).sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("local-checkpoints");
        try {
            assertTrue(CHECKPOINTED.await(5, TimeUnit.MINUTES), "no checkpoint of 8 MB state completed within 5 minutes");
            try (Stream<Path> files = Files.walk(dir)) {
                long bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                assertTrue(bytes > 5 << 20, "the state is in the directory: " + bytes + " bytes");
            }
        } finally {
            job.cancel().get(2, TimeUnit.MINUTES);
        }
    }

    /** An operator whose checkpointed state is 8 MB. */
    static final class BigState extends RichMapFunction<Long, Long> implements CheckpointedFunction, CheckpointListener {
        private transient ListState<byte[]> state;
        private transient long snapshotted = -1;

        @Override
        public Long map(Long v) throws InterruptedException {
            Thread.sleep(1); // a trickle of records is all the job needs
            return v;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
            byte[] block = new byte[1 << 20];
            new java.util.Random(ctx.getCheckpointId()).nextBytes(block); // incompressible
            state.update(List.of(block, block, block, block, block, block, block, block));
            snapshotted = ctx.getCheckpointId();
        }

        @Override
        public void initializeState(FunctionInitializationContext ctx) throws Exception {
            state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<>("big", byte[].class));
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (checkpointId == snapshotted) CHECKPOINTED.countDown();
        }
    }
}
