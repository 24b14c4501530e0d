package io.streamcast.tools;

import io.streamcast.process.FlinkRest;
import io.streamcast.process.DeployScripts;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamcast.command.UsageError;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamcast cluster start|stop|status}: a real Flink session cluster (deploy/cluster.sh). */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Run a real Flink session cluster on 127.0.0.1.",
            "Flink 2.2 jars from Maven with DL4J/ND4J on the cluster classpath; config, logs, pids under work/flink."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class})
public final class ClusterCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every action shares. */
    static class Where extends DeployScripts.Script {
        @Option(names = "--work-dir", paramLabel = "DIR",
                description = "Config, logs, pids, checkpoints, native cache (default: <repo>/work/flink, "
                        + "or $STREAMCAST_WORK/flink).")
        Path workDir;

        Where() {
            super("cluster.sh");
        }

        @Override
        protected Path workDir() {
            return workDir;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Write config.yaml, start the JobManager and the TaskManagers, wait until all registered.")
    static final class Start implements Callable<Integer> {
        @picocli.CommandLine.Mixin Where where = new Where();

        @Option(names = "--rest-port", description = "REST API and web UI port (default 8081).")
        Integer restPort;

        @Option(names = "--rpc-port", description = "JobManager RPC port (default 6123).")
        Integer rpcPort;

        @Option(names = "--taskmanagers", paramLabel = "N",
                description = "TaskManager JVMs, each with its own slots, log and Prometheus port (default 1).")
        Integer taskManagers;

        @Option(names = "--slots", description = "Task slots of each TaskManager (default 2).")
        Integer slots;

        @Option(names = "--managed-memory", paramLabel = "SIZE",
                description = "taskmanager.memory.managed.size: RocksDB's cache and write buffers (default 128m; "
                        + "the hashmap backend does not use it).")
        String managedMemory;

        @Option(names = "--tm-memory", paramLabel = "SIZE", description = "taskmanager.memory.process.size (default 2048m).")
        String tmMemory;

        @Option(names = "--jm-memory", paramLabel = "SIZE", description = "jobmanager.memory.process.size (default 1024m).")
        String jmMemory;

        @Option(names = "--nd4j-off-heap", paramLabel = "SIZE",
                description = "taskmanager.memory.task.off-heap.size: ND4J's native memory budget (default 512m).")
        String offHeap;

        @Option(names = "--max-physical", paramLabel = "SIZE",
                description = "JavaCPP maxphysicalbytes: cap on the TaskManager's whole RSS (default 3g).")
        String maxPhysical;

        @Option(names = "--prometheus-ports", paramLabel = "RANGE",
                description = "Prometheus reporter ports, the first free one per process (default 9250-9251; 0 = off).")
        String prometheusPorts;

        @Override
        public Integer call() {
            if (prometheusPorts != null && !prometheusPorts.matches("\\d{1,5}(-\\d{1,5})?")) {
                throw new UsageError("--prometheus-ports: '" + prometheusPorts
                        + "' is not a port or a range like 9250-9251 (0 = off)");
            }
            List<String> args = where.args("start");
            DeployScripts.option(args, "--rest-port", restPort);
            DeployScripts.option(args, "--rpc-port", rpcPort);
            DeployScripts.option(args, "--taskmanagers", taskManagers);
            DeployScripts.option(args, "--slots", slots);
            DeployScripts.option(args, "--managed-memory", managedMemory);
            DeployScripts.option(args, "--tm-memory", tmMemory);
            DeployScripts.option(args, "--jm-memory", jmMemory);
            DeployScripts.option(args, "--nd4j-off-heap", offHeap);
            DeployScripts.option(args, "--max-physical", maxPhysical);
            DeployScripts.option(args, "--prometheus-ports", prometheusPorts);
            return where.run(args);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "SIGTERM the TaskManagers and the JobManager and wait until all have exited.")
    static final class Stop implements Callable<Integer> {
        @picocli.CommandLine.Mixin Where where = new Where();

        @Override
        public Integer call() {
            return where.run("stop");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Processes, REST overview, TaskManagers (memory, Metaspace, threads) and jobs "
                    + "(exit 3 if not running).")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin Where where = new Where();

        @Option(names = "--rest", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081",
                description = "REST address of the cluster (default ${DEFAULT-VALUE}).")
        String rest;

        @Override
        public Integer call() throws IOException {
            int rc = where.run("status");
            if (rc != 0) {
                return rc;
            }
            FlinkRest flink = new FlinkRest(rest);
            JsonNode overview = flink.get("/overview");
            System.out.printf("Flink %s: %d TaskManager(s), %d/%d slots free; jobs running %d, finished %d, "
                            + "cancelled %d, failed %d%n",
                    overview.path("flink-version").asText(), overview.path("taskmanagers").asInt(),
                    overview.path("slots-available").asInt(), overview.path("slots-total").asInt(),
                    overview.path("jobs-running").asInt(), overview.path("jobs-finished").asInt(),
                    overview.path("jobs-cancelled").asInt(), overview.path("jobs-failed").asInt());
            for (JsonNode tm : flink.get("/taskmanagers").path("taskmanagers")) {
                String id = tm.path("id").asText();
                double metaspace = flink.taskManagerMetric(id, "Status.JVM.Memory.Metaspace.Used");
                double heap = flink.taskManagerMetric(id, "Status.JVM.Memory.Heap.Used");
                double threads = flink.taskManagerMetric(id, "Status.JVM.Threads.Count");
                System.out.printf("  TaskManager %s (data port %d): %d/%d slots free, heap used %s, Metaspace used %s, "
                                + "threads %.0f%n",
                        id, tm.path("dataPort").asInt(), tm.path("freeSlots").asInt(), tm.path("slotsNumber").asInt(),
                        mib(heap), mib(metaspace), threads);
            }
            for (JsonNode job : flink.get("/jobs/overview").path("jobs")) {
                System.out.printf("  job %s %-9s %s (started %s)%n", job.path("jid").asText(),
                        job.path("state").asText(), job.path("name").asText(),
                        Instant.ofEpochMilli(job.path("start-time").asLong()));
            }
            System.out.println("web UI: " + flink.baseUrl());
            return 0;
        }

        private static String mib(double bytes) {
            return Double.isNaN(bytes) ? "n/a" : String.format("%.1f MiB", bytes / (1024 * 1024));
        }
    }
}
