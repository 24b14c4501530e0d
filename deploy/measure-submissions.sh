#!/usr/bin/env bash
# Submits a job N times to ONE session cluster (cancelling in between) and prints, after each round,
# the JavaCPP native cache on disk and the TaskManager's Metaspace / threads / loaded classes. With
# DL4J on the cluster classpath (parent-first) neither the cache nor Metaspace may grow per round.
#   deploy/measure-submissions.sh [N] [--entry-class CLASS] [-- JOB ARGS...]
# Starts its own cluster in work/measure (REST port 8091), stops it on exit. Needs: mvn package.
set -euo pipefail
PROG="measure-submissions"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N="${1:-5}"; [ $# -gt 0 ] && shift
[[ "$N" =~ ^[0-9]+$ ]] || usage_error "N must be a number"
ENTRY="io.streamcast.tools.NativeProbeJob"; JOB_ARGS=(20)
while [ $# -gt 0 ]; do
  case "$1" in
    --entry-class) ENTRY="$2"; JOB_ARGS=(); shift 2 ;;
    --) shift; JOB_ARGS=("$@"); break ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
WORK="${STREAMCAST_WORK:-$ROOT/work}/measure"
PORT=8091
REST="http://127.0.0.1:$PORT"
SC="$ROOT/streamcast"
rm -rf "$WORK"
cleanup() { bash "$ROOT/deploy/cluster.sh" stop --work-dir "$WORK/flink" >/dev/null 2>&1 || true; }
trap cleanup EXIT

bash "$ROOT/deploy/cluster.sh" start --work-dir "$WORK/flink" --rest-port "$PORT" --rpc-port 6133
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
  local cache_bytes cache_dirs classes
  cache_bytes="$(du -sb "$CACHE" 2>/dev/null | cut -f1)"; cache_bytes="${cache_bytes:-0}"
  cache_dirs="$(find "$CACHE" -name '*.so*' 2>/dev/null | wc -l)"
  classes="$(jcmd "$TM_PID" GC.class_histogram 2>/dev/null | awk '/ChildFirstClassLoader$/ { n = $2 } END { print n + 0 }')"
  loaded="$(jstat -class "$TM_PID" | awk 'NR == 2 { print $1 "/" $3 }')"
  printf '%-22s cache %6s MiB (%2s .so)  Metaspace used %5s MiB  threads %3s  user classloaders alive %s  classes loaded/unloaded %s\n' \
    "$1" "$(mib "$cache_bytes")" "$cache_dirs" "$(mib "$(metric Status.JVM.Memory.Metaspace.Used)")" \
    "$(metric Status.JVM.Threads.Count)" "${classes:-?}" "$loaded"
}

report "before any submission"
for i in $(seq 1 "$N"); do
  t0=$(now_ms)
  JOB="$("$SC" submit --rest "$REST" --entry-class "$ENTRY" "${JOB_ARGS[@]}" 2>/dev/null)" \
    || die "submission $i failed; run: ./streamcast submit --rest $REST --entry-class $ENTRY"
  # running means ND4J loaded: wait for the probe's log line (or 20 s for other jobs)
  for _ in $(seq 1 100); do
    [ "$(grep -c 'ND4J ready' "$WORK/flink/log/taskmanager.log" 2>/dev/null || true)" -ge "$i" ] && break
    sleep 0.2
  done
  t1=$(now_ms)
  report "submission $i running"
  "$SC" cancel --rest "$REST" "$JOB" >/dev/null
  report "submission $i cancelled"
  echo "    (submit -> ND4J ready in $(( t1 - t0 )) ms)"
done
grep -h 'ND4J ready' "$WORK/flink/log/taskmanager.log" | sed 's/.*ND4J ready/ND4J ready/' | cut -c1-160
