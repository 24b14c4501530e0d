#!/usr/bin/env bash
# Submits a job N times to ONE session cluster (cancelling in between) and prints, after each round,
# the JavaCPP native cache on disk and the TaskManager's Metaspace (REST metric
# Status.JVM.Memory.Metaspace.Used, after a full GC), threads, live user-code classloaders and JVM
# class counts. With DL4J on the cluster classpath (parent-first) neither may grow per round.
#   deploy/measure-submissions.sh [N]                       the native probe job (ND4J, no Kafka)
#   deploy/measure-submissions.sh [N] --forecast-job MODEL  the real job with a model bundle; starts a
#                                                           broker too; each round must forecast
# Starts its own cluster in work/measure (REST port 18091), stops everything on exit.
# MEASURE_JAR=jar submits another job jar (e.g. one with DL4J inside, for comparison).
set -euo pipefail
PROG="measure-submissions"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N=5; MODEL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --forecast-job) MODEL="${2:?--forecast-job needs a model bundle directory}"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] || usage_error "unknown argument '$1'"; N="$1"; shift ;;
  esac
done
[ -z "$MODEL" ] || [ -f "$MODEL/manifest.json" ] || usage_error "$MODEL has no manifest.json; train one with ./streamcast train"
[ -z "$MODEL" ] || MODEL="$(cd "$MODEL" && pwd)"
WORK="${STREAMCAST_WORK:-$ROOT/work}/measure"
PORT=$(free_port 18091); RPC_PORT=$(free_port 16133)
KAFKA_PORT=$(free_port 19192); CONTROLLER_PORT=$(free_port $(( KAFKA_PORT + 1 )))
REST="http://127.0.0.1:$PORT"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
SC="$ROOT/streamcast"
rm -rf "$WORK"
cleanup() {
  bash "$ROOT/deploy/cluster.sh" stop --work-dir "$WORK/flink" >/dev/null 2>&1 || true
  [ -z "$MODEL" ] || bash "$ROOT/deploy/kafka.sh" stop --work-dir "$WORK/kafka" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [ -n "$MODEL" ]; then
  bash "$ROOT/deploy/kafka.sh" start --work-dir "$WORK/kafka" --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT" --heap 512m \
    --topics sensor-readings:2
fi
bash "$ROOT/deploy/cluster.sh" start --work-dir "$WORK/flink" --rest-port "$PORT" --rpc-port "$RPC_PORT"
TM_PID="$(cat "$WORK/flink/taskmanager.pid")"
TM_ID="$(curl -sf "$REST/taskmanagers" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)"
CACHE="$WORK/flink/javacpp-cache"

metric() {  # metric NAME: a TaskManager metric. The REST fetcher answers from a cache that a query
  # refreshes in the background (at most every second here): query, wait, query again.
  local v=""
  curl -sf "$REST/taskmanagers/$TM_ID/metrics?get=$1" >/dev/null || true
  sleep 1.5
  for _ in $(seq 1 20); do
    v="$(curl -sf "$REST/taskmanagers/$TM_ID/metrics?get=$1" | grep -o '"value":"[^"]*"' | cut -d'"' -f4 || true)"
    [ -n "$v" ] && break
    sleep 0.5
  done
  echo "${v:-nan}"
}
mib() { awk -v b="$1" 'BEGIN { if (b == "nan") print "n/a"; else printf "%.1f", b / 1048576 }'; }
report() {  # report LABEL: after a full GC, so only what is still referenced counts
  jcmd "$TM_PID" GC.run >/dev/null
  local cache_bytes so_files loaders classes
  cache_bytes="$(du -sb "$CACHE" 2>/dev/null | cut -f1)"; cache_bytes="${cache_bytes:-0}"
  so_files="$(find "$CACHE" -name '*.so*' 2>/dev/null | wc -l)"
  loaders="$(jcmd "$TM_PID" GC.class_histogram 2>/dev/null | awk '/ChildFirstClassLoader$/ { n = $2 } END { print n + 0 }')"
  classes="$(jstat -class "$TM_PID" | awk 'NR == 2 { print $1 "/" $3 }')"
  printf '%-22s cache %6s MiB (%2s .so)  Metaspace %5s MiB  threads %3s  user classloaders %s  classes loaded/unloaded %s\n' \
    "$1" "$(mib "$cache_bytes")" "$so_files" "$(mib "$(metric Status.JVM.Memory.Metaspace.Used)")" \
    "$(metric Status.JVM.Threads.Count)" "$loaders" "$classes"
}

report "before any submission"
for i in $(seq 1 "$N"); do
  t0=$(now_ms)
  if [ -z "$MODEL" ]; then
    JOB="$("$SC" submit --rest "$REST" ${MEASURE_JAR:+--jar "$MEASURE_JAR"} --entry-class io.streamcast.job.NativeProbeJob 20 2>/dev/null)" \
      || die "submission $i failed; run: ./streamcast submit --rest $REST --entry-class io.streamcast.job.NativeProbeJob"
    for _ in $(seq 1 150); do  # running means ND4J loaded: the probe logs it
      [ "$(grep -c 'ND4J ready' "$WORK/flink/log/taskmanager.log" 2>/dev/null || true)" -ge "$i" ] && break
      sleep 0.2
    done
  else
    # each round its own output topic and consumer group: a forecast there proves this submission's
    # tasks loaded the model and ran ND4J
    JOB="$("$SC" submit --rest "$REST" --parallelism 2 kafka.bootstrap.servers="$BOOTSTRAP" model.bundle="$MODEL" \
      topic.forecasts="forecasts-$i" source.group-id="measure-$i" source.starting-offsets=latest \
      watermark.out-of-orderness=0ms checkpoint.interval=0 2>/dev/null)" || die "submission $i failed"
    bash "$ROOT/deploy/kafka.sh" create-topics "forecasts-$i:2" --work-dir "$WORK/kafka" >/dev/null
    sleep 5  # the source must have joined before readings arrive (it starts at latest)
    "$SC" simulate --synthetic 2 --count 80 --rate 200 --step-millis 1000 --bootstrap "$BOOTSTRAP" --quiet 2>/dev/null
    "$SC" tail --bootstrap "$BOOTSTRAP" --topic "forecasts-$i" --max 1 --timeout 90 >/dev/null \
      || die "round $i: no forecast within 90 s; see $WORK/flink/log/taskmanager.log"
  fi
  t1=$(now_ms)
  report "submission $i running"
  "$SC" cancel --rest "$REST" "$JOB" >/dev/null
  report "submission $i cancelled"
  echo "    (submit -> $( [ -z "$MODEL" ] && echo 'ND4J ready' || echo 'first forecast') in $(( t1 - t0 )) ms)"
done
