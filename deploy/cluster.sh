#!/usr/bin/env bash
# A real Flink 2.2 standalone session cluster on 127.0.0.1: one JobManager
# (StandaloneSessionClusterEntrypoint) and N TaskManager (TaskManagerRunner) JVMs, from jars that
# Maven resolves (deploy/pom.xml, profiles flink,nd4j,kafka-clients: what flink-dist's lib/ holds,
# plus DL4J/ND4J and the Kafka client).
# Usually reached through './streamcast cluster ...'.
set -euo pipefail
PROG="streamcast cluster"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: deploy/cluster.sh start|stop|status [options]
  start                    write conf/config.yaml, start JobManager and TaskManagers, wait until all registered
  stop                     SIGTERM every JVM (TaskManagers first) and wait until they have exited
  status                   show pids, logs, Prometheus ports and the REST address (./streamcast cluster status shows more)
Options:
  --work-dir DIR           conf, logs, pids, checkpoints, native cache (default: \$STREAMCAST_WORK/flink or <repo>/work/flink)
  --rest-port N            REST API and web UI (default 8081)
  --rpc-port N             JobManager RPC (default 6123)
  --taskmanagers N         TaskManager JVMs, each with its own slots, log and Prometheus port (default 1)
  --slots N                task slots of each TaskManager (default 2)
  --managed-memory SIZE    taskmanager.memory.managed.size: RocksDB's block cache and write buffers (default 128m)
  --tm-memory SIZE         taskmanager.memory.process.size (default 2048m)
  --jm-memory SIZE         jobmanager.memory.process.size (default 1024m)
  --nd4j-off-heap SIZE     taskmanager.memory.task.off-heap.size, ND4J's native budget (default 512m)
  --max-physical SIZE      JavaCPP maxphysicalbytes: the TaskManager's whole RSS cap; must be below
                           --tm-memory (default 90% of --tm-memory: 1843m of 2048m)
  --prometheus-ports RANGE Prometheus reporter ports, first free one per process (default 9250-(9250+N); 0 = off)
  --timeout S              start/stop wait limit in seconds (default 90)
USAGE
}

ACTION="${1:-}"; [ $# -gt 0 ] && shift
case "$ACTION" in -h|--help|help) usage; exit 0 ;; start|stop|status) ;; "") usage_error "missing action: start, stop or status" ;; *) usage_error "unknown action '$ACTION'; use start, stop or status" ;; esac

WORK="${STREAMCAST_WORK:-$ROOT/work}/flink"
REST_PORT=""; RPC_PORT=""; SLOTS=2; TMS=1; TM_MEM=2048m; JM_MEM=1024m; OFF_HEAP=512m; MANAGED=128m; MAX_PHYS=; TIMEOUT=90; PROM_PORTS=
while [ $# -gt 0 ]; do
  case "$1" in
    --work-dir) WORK="${2:?--work-dir needs a value}"; shift 2 ;;
    --rest-port) REST_PORT="${2:?--rest-port needs a value}"; shift 2 ;;
    --rpc-port) RPC_PORT="${2:?--rpc-port needs a value}"; shift 2 ;;
    --slots) SLOTS="${2:?--slots needs a value}"; shift 2 ;;
    --taskmanagers) TMS="${2:?--taskmanagers needs a value}"; shift 2 ;;
    --managed-memory) MANAGED="${2:?--managed-memory needs a value}"; shift 2 ;;
    --tm-memory) TM_MEM="${2:?--tm-memory needs a value}"; shift 2 ;;
    --jm-memory) JM_MEM="${2:?--jm-memory needs a value}"; shift 2 ;;
    --nd4j-off-heap) OFF_HEAP="${2:?--nd4j-off-heap needs a value}"; shift 2 ;;
    --max-physical) MAX_PHYS="${2:?--max-physical needs a value}"; shift 2 ;;
    --timeout) TIMEOUT="${2:?--timeout needs a value}"; shift 2 ;;
    --prometheus-ports) PROM_PORTS="${2:?--prometheus-ports needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
PROM_PORTS="${PROM_PORTS:-9250-$(( 9250 + TMS ))}"
[[ "$PROM_PORTS" =~ ^[0-9]+(-[0-9]+)?$ ]] || usage_error "'$PROM_PORTS' is not a port or a range like 9250-9251"
for n in "$REST_PORT" "$RPC_PORT" "$SLOTS" "$TMS" "$TIMEOUT"; do
  [ -z "$n" ] || [[ "$n" =~ ^[0-9]+$ ]] || usage_error "'$n' is not a number"
done
[ "$TMS" -ge 1 ] && [ "$SLOTS" -ge 1 ] || usage_error "--taskmanagers and --slots must be at least 1"
for s in "$TM_MEM" "$JM_MEM" "$OFF_HEAP" "$MANAGED" ${MAX_PHYS:+"$MAX_PHYS"}; do
  [[ "$s" =~ ^[0-9]+[kmgKMG]?$ ]] || usage_error "'$s' is not a memory size like 512m or 2g"
done
# size in bytes: plain bytes or a k/m/g suffix (either case)
size_bytes() {
  local n="${1%[kmgKMG]}"
  case "$1" in *[kK]) echo $(( n << 10 )) ;; *[mM]) echo $(( n << 20 )) ;; *[gG]) echo $(( n << 30 )) ;; *) echo "$n" ;; esac
}
# JavaCPP's cap must come before the process's budget: when RSS reaches it, JavaCPP forces a GC (which
# frees ND4J buffers still waiting for collection) and only then fails the allocation. Above the
# process size, a container limit kills the TaskManager first. 90% leaves room for what JavaCPP
# does not see coming (thread stacks, the JIT) between its check and the limit.
if [ -z "$MAX_PHYS" ]; then
  MAX_PHYS="$(( $(size_bytes "$TM_MEM") * 9 / 10 >> 20 ))m"
elif [ "$(size_bytes "$MAX_PHYS")" -ge "$(size_bytes "$TM_MEM")" ]; then
  usage_error "--max-physical $MAX_PHYS must be below --tm-memory $TM_MEM (JavaCPP's cap has to act before the process's budget is used up)"
fi
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
CONF="$WORK/conf"
JM_PID="$WORK/jobmanager.pid"
# TaskManager i: taskmanager.pid/.log for the first (what single-TaskManager tools expect), taskmanager-i.* after
tm_file() { if [ "$1" = 1 ]; then echo "$2/taskmanager.$3"; else echo "$2/taskmanager-$1.$3"; fi; }
tm_pids() { local f; for f in "$WORK"/taskmanager.pid $(ls -v "$WORK"/taskmanager-*.pid 2>/dev/null); do [ -f "$f" ] && echo "$f"; done; true; }
ENVFILE="$WORK/cluster.env"
if [ -f "$ENVFILE" ]; then source "$ENVFILE"; fi
REST_PORT="${REST_PORT:-${FLINK_REST_PORT:-8081}}"
RPC_PORT="${RPC_PORT:-${FLINK_RPC_PORT:-6123}}"
REST="http://127.0.0.1:$REST_PORT"
CACHE="$WORK/javacpp-cache"

# JavaCPP wants plain bytes or a k/m/g suffix in lower case.
bytes_flag() { echo "$1" | tr 'KMG' 'kmg'; }

write_config() {
  mkdir -p "$CONF" "$WORK/log" "$WORK/tmp" "$WORK/upload" "$WORK/checkpoints" "$WORK/savepoints" "$CACHE"
  cat > "$CONF/config.yaml" <<YAML
# generated by deploy/cluster.sh; edit the script (or pass options), not this file
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $RPC_PORT
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: $JM_MEM
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
taskmanager.numberOfTaskSlots: $SLOTS
taskmanager.memory.process.size: $TM_MEM
# ND4J allocates natively, outside the heap: Flink must leave room for it or the container/RSS
# budget is exceeded. Managed memory is RocksDB's (unused by the hashmap backend).
taskmanager.memory.task.off-heap.size: $OFF_HEAP
taskmanager.memory.managed.size: $MANAGED
parallelism.default: 1
# starting the RPC system (Pekko remoting) takes over 10 s (the default limit) on a loaded machine
pekko.startup-timeout: 60 s
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $REST_PORT
blob.server.port: 0
# REST metric queries answer from a cache; refresh it every second (default 10 s) so status and
# measurements see current values
metrics.fetcher.update-interval: 1000
web.submit.enable: true
web.cancel.enable: true
web.upload.dir: $WORK/upload
io.tmp.dirs: $WORK/tmp
execution.checkpointing.dir: file://$WORK/checkpoints
execution.checkpointing.savepoint-dir: file://$WORK/savepoints
# Recovery (docs/deploy.md#recovery): a killed TaskManager is declared lost after
# heartbeat.rpc-failure-threshold failed heartbeat RPCs, one per interval: ~2 s here instead of
# 10-20 s. A connected but silent one (GC pause, stuck host) only after the timeout.
heartbeat.interval: 1000
heartbeat.timeout: 20000
heartbeat.rpc-failure-threshold: 2
# Spread a job's slots over all TaskManagers: each one has loaded the job's classes and ND4J, so
# after a TaskManager loss the tasks restart at once on a survivor's free slots, already warm.
taskmanager.load-balance.mode: slots
# Checkpoints start aligned and turn unaligned when the barriers wait longer than 1 s behind
# in-flight records (a restored job catching up, back-pressure): the first checkpoint after a
# restart, which makes the restored job's forecasts visible, does not wait for the backlog.
execution.checkpointing.unaligned.enabled: true
execution.checkpointing.aligned-checkpoint-timeout: 1s
restart-strategy.type: exponential-delay
restart-strategy.exponential-delay.initial-backoff: 500ms
restart-strategy.exponential-delay.max-backoff: 30s
# DL4J/ND4J/JavaCPP are on the cluster classpath and must be loaded by the parent classloader:
# loaded child-first from each job jar, every submission re-extracts the natives and leaks
# Metaspace, and a restart fails with "already loaded in another classloader". The Kafka client
# too: SASL's JVM-wide security provider must not belong to one job's classloader (deploy/pom.xml).
classloader.parent-first-patterns.additional: ${STREAMCAST_PARENT_FIRST:-org.nd4j.;org.deeplearning4j.;org.bytedeco.;org.apache.kafka.}
YAML
  if [ "$PROM_PORTS" != "0" ]; then
    # JobManager and TaskManager share this host: each takes the first free port of the range.
    cat >> "$CONF/config.yaml" <<YAML
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $PROM_PORTS
YAML
  fi
  cat > "$CONF/log4j.properties" <<PROPS
monitorInterval=30
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=MainAppender
logger.nd4j.name=org.nd4j
logger.nd4j.level=WARN
logger.dl4j.name=org.deeplearning4j
logger.dl4j.level=WARN
logger.kafka.name=org.apache.kafka
logger.kafka.level=WARN
# the Kafka sink registers some metrics twice (harmless "Name collision" warnings every checkpoint)
logger.metricgroup.name=org.apache.flink.metrics.MetricGroup
logger.metricgroup.level=ERROR
appender.main.name=MainAppender
appender.main.type=RollingFile
appender.main.append=true
appender.main.fileName=\${sys:log.file}
appender.main.filePattern=\${sys:log.file}.%i
appender.main.layout.type=PatternLayout
appender.main.layout.pattern=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type=Policies
appender.main.policies.size.type=SizeBasedTriggeringPolicy
appender.main.policies.size.size=50MB
appender.main.strategy.type=DefaultRolloverStrategy
appender.main.strategy.max=3
PROPS
}

# memory_params JM|TM: Flink's own BashJavaUtils derives the JVM flags and dynamic properties
# from config.yaml exactly as flink-dist's scripts do. Sets JVM_PARAMS and DYNAMIC_CONFIGS.
memory_params() {
  local out
  out="$("$JAVA" -Xmx128m -Dlog4j2.level=WARN -cp "$CP" org.apache.flink.runtime.util.bash.BashJavaUtils \
         "GET_$1_RESOURCE_PARAMS" --configDir "$CONF" 2>&1)" \
    || { echo "$out" | tail -5 >&2; die "Flink rejected the memory settings in $CONF/config.yaml; fix the sizes you passed"; }
  out="$(echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  [ "$(echo "$out" | wc -l)" -ge 2 ] || die "BashJavaUtils printed no memory settings for $1"
  read -ra JVM_PARAMS <<< "$(echo "$out" | head -n 1)"
  read -ra DYNAMIC_CONFIGS <<< "$(echo "$out" | tail -n 1)"
}

rest_ready() { [ "$(curl -sf --max-time 2 "$REST/overview" 2>/dev/null | grep -o '"taskmanagers":[0-9]*' | cut -d: -f2)" -ge "$TMS" ] 2>/dev/null; }
# the Prometheus port a process bound (its log says so; the range gives each the first free port)
prom_url() {
  local port; port="$(grep -o 'PrometheusReporter HTTP server on port [0-9]*' "$1" 2>/dev/null | tail -1 | grep -o '[0-9]*$' || true)"
  if [ -n "$port" ]; then echo "http://127.0.0.1:$port/metrics"; else echo "off"; fi
}

case "$ACTION" in
  start)
    for f in "$JM_PID" $(tm_pids); do
      if alive "$f"; then echo "cluster: already running ($(basename "$f" .pid) pid $(cat "$f")); web UI $REST"; exit 0; fi
    done
    check_port_free "REST" "$REST_PORT"; check_port_free "JobManager RPC" "$RPC_PORT"
    t0=$(now_ms)
    # STREAMCAST_CLUSTER_PROFILES=flink and STREAMCAST_PARENT_FIRST=<other prefix> give a cluster
    # WITHOUT DL4J (for the measurement of jobs that bring DL4J in their jar; docs/deploy.md)
    CP="$(classpath "${STREAMCAST_CLUSTER_PROFILES:-flink,nd4j,kafka-clients}")"
    printf 'FLINK_REST_PORT=%s\nFLINK_RPC_PORT=%s\n' "$REST_PORT" "$RPC_PORT" > "$ENVFILE"
    write_config
    COMMON=("${JAVA17_OPENS[@]}" -Dlog4j.configurationFile="file:$CONF/log4j.properties"
            -Dorg.bytedeco.javacpp.cachedir="$CACHE")
    mkdir -p "$WORK/plugins"; export FLINK_PLUGINS_DIR="$WORK/plugins"
    # both sets of memory flags before any JVM starts: a rejected size leaves nothing running
    memory_params TM; TM_JVM=("${JVM_PARAMS[@]}"); TM_DYN=("${DYNAMIC_CONFIGS[@]}")
    memory_params JM
    t1=$(now_ms)
    setsid "$JAVA" "${JVM_PARAMS[@]}" "${COMMON[@]}" -Dlog.file="$WORK/log/jobmanager.log" -cp "$CP" \
      org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF" "${DYNAMIC_CONFIGS[@]}" \
      > "$WORK/log/jobmanager.out" 2>&1 < /dev/null &
    echo $! > "$JM_PID"
    # One OpenMP thread per TaskManager process: with 2 slots on 2 cores, ND4J's default (all
    # cores per call) is 2-3x slower. maxphysicalbytes is the only JavaCPP cap that limits ND4J.
    # AlwaysPreTouch commits the whole heap at start: the RSS a TaskManager will reach under load
    # shows (and fails a too-small container) at once instead of creeping up over its first minutes.
    for ((i = 1; i <= TMS; i++)); do
      OMP_NUM_THREADS=1 setsid "$JAVA" "${TM_JVM[@]}" -XX:+AlwaysPreTouch "${COMMON[@]}" -Dlog.file="$(tm_file $i "$WORK/log" log)" \
        -Dorg.bytedeco.javacpp.maxphysicalbytes="$(bytes_flag "$MAX_PHYS")" -cp "$CP" \
        org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF" "${TM_DYN[@]}" \
        > "$(tm_file $i "$WORK/log" out)" 2>&1 < /dev/null &
      echo $! > "$(tm_file $i "$WORK" pid)"
    done
    wait_for "JobManager" "$TIMEOUT" "$JM_PID" "$WORK/log/jobmanager.log" \
      bash -c "curl -sf --max-time 2 '$REST/overview' >/dev/null 2>&1"
    t2=$(now_ms)
    for ((i = 1; i <= TMS; i++)); do
      wait_for "TaskManager $i" "$TIMEOUT" "$(tm_file $i "$WORK" pid)" "$(tm_file $i "$WORK/log" log)" rest_ready
    done
    t3=$(now_ms)
    echo "cluster: started in $(( t3 - t1 ))ms (REST up after $(( t2 - t1 ))ms, $TMS TaskManager(s) registered after $(( t3 - t1 ))ms; +$(( t1 - t0 ))ms classpath/config)"
    echo "cluster: JobManager pid $(cat "$JM_PID"), TaskManager pid(s) $(cat $(tm_pids) | tr '\n' ' ')($SLOTS slots each); web UI $REST ; work dir $WORK"
    ;;
  stop)
    # TaskManager first, so the JobManager does not spend the shutdown waiting on lost heartbeats.
    for f in $(tm_pids); do stop_pid "$(basename "$f" .pid)" "$f" "$TIMEOUT"; done
    stop_pid jobmanager "$JM_PID" "$TIMEOUT"
    ;;
  status)
    running=0
    if alive "$JM_PID"; then
      echo "jobmanager: running (pid $(cat "$JM_PID")); log $WORK/log/jobmanager.log; Prometheus $(prom_url "$WORK/log/jobmanager.log")"; running=1
    else echo "jobmanager: not running"; fi
    [ -n "$(tm_pids)" ] || echo "taskmanager: not running"
    for f in $(tm_pids); do
      name="$(basename "$f" .pid)"; log="$WORK/log/$name.log"
      if alive "$f"; then
        echo "$name: running (pid $(cat "$f")); log $log; Prometheus $(prom_url "$log")"; running=1
      else echo "$name: not running (pid file $f); log $log"; fi
    done
    echo "rest: $REST ; work dir $WORK"
    [ "$running" = 1 ] || exit 3
    ;;
esac
