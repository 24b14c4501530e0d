#!/usr/bin/env bash
# Fault suite on the real thing: a KRaft broker, a Flink session cluster, the job jar submitted over
# REST with exactly-once output and hot reload, simulated readings with known (sensorId, timestamp).
# Each scenario injects one fault while readings flow, then checks, reading forecasts
# read_committed as a consumer would, that every window of the readings actually in Kafka has
# exactly one forecast (0 duplicated, 0 missing (sensorId, issuedAt)) and reports the recovery time:
# fault -> first forecast computed after the fault visible to a read_committed consumer.
#   deploy/faults.sh                       all scenarios, the TaskManager kill 5 times (median)
#   deploy/faults.sh --short               each scenario once, fewer readings (CI: .ci/run)
# Stops everything it started, whatever happens (trap). Needs the job jar (mvn -B -DskipTests package).
set -euo pipefail
PROG="faults"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: deploy/faults.sh [--short] [--scenarios LIST] [--tm-kills N] [--spare-taskmanagers N] [--results FILE] [job settings...]
  --short            each scenario once with shorter runs (CI)
  --spare-taskmanagers N  TaskManagers beyond the one the job needs (default 1): with a spare, a lost
                     TaskManager's tasks restart at once on the spare's slots; with 0 they wait until
                     the new TaskManager has started and registered
  --scenarios LIST   comma-separated, in order (default tm-kill,broker-outage,bad-bundle,junk):
                       tm-kill        kill -9 the TaskManager, start a new one at once
                       broker-outage  stop the broker, wait 20 s, start it again
                       bad-bundle     publish a corrupt bundle as LATEST while hot reload is on
                       junk           hostile records on the live readings topic
  --tm-kills N       how often tm-kill runs (default 5; --short: 1); the report gives the median
  --results FILE     append one line per scenario run (default work/faults/results.tsv)
  job settings       key=value passed to the job (e.g. checkpoint.interval=10s); default: the job's defaults
Env: FAULTS_WORK (default work/faults), FAULTS_MODEL (a bundle dir; default models/bundled/etth1-demo),
  FAULTS_PORT_OFFSET (added to the first ports probed: 39092 Kafka, 38081 REST, 36123 RPC; default 0).
USAGE
}

SHORT=0; SCENARIOS="tm-kill,broker-outage,bad-bundle,junk"; TM_KILLS=""; SPARE=1; RESULTS=""; JOB_SETTINGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --short) SHORT=1; shift ;;
    --scenarios) SCENARIOS="${2:?--scenarios needs a value}"; shift 2 ;;
    --tm-kills) TM_KILLS="${2:?--tm-kills needs a value}"; shift 2 ;;
    --spare-taskmanagers) SPARE="${2:?--spare-taskmanagers needs a value}"; shift 2 ;;
    --results) RESULTS="${2:?--results needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *=*) JOB_SETTINGS+=("$1"); shift ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
TM_KILLS="${TM_KILLS:-$([ "$SHORT" = 1 ] && echo 1 || echo 5)}"
[[ "$TM_KILLS" =~ ^[1-9][0-9]*$ ]] || usage_error "--tm-kills must be a positive number, got '$TM_KILLS'"
[[ "$SPARE" =~ ^[0-9]+$ ]] || usage_error "--spare-taskmanagers must be a number, got '$SPARE'"
IFS=',' read -ra SCENARIO_LIST <<< "$SCENARIOS"
for s in "${SCENARIO_LIST[@]}"; do
  case "$s" in tm-kill|broker-outage|bad-bundle|junk) ;; *) usage_error "unknown scenario '$s'" ;; esac
done

WORK="${FAULTS_WORK:-$ROOT/work/faults}"
RESULTS="${RESULTS:-$WORK/results.tsv}"
MODEL="${FAULTS_MODEL:-$ROOT/models/bundled/etth1-demo}"
# FAULTS_PORT_OFFSET shifts the first ports probed, for two suites started at the same time
OFF="${FAULTS_PORT_OFFSET:-0}"
KAFKA_PORT=$(free_port $(( 39092 + OFF ))); CONTROLLER_PORT=$(free_port $(( KAFKA_PORT + 1 )))
REST_PORT=$(free_port $(( 38081 + OFF ))); RPC_PORT=$(free_port $(( 36123 + OFF )))
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
REST="http://127.0.0.1:$REST_PORT"
SC="$ROOT/streamcast"
SENSORS=10; RATE=100                          # 10 readings/s per sensor
RUN_S=$([ "$SHORT" = 1 ] && echo 25 || echo 60) # readings per scenario run, seconds
FAULT_AFTER_S=8                                # readings flow this long before the fault
OUTAGE_S=20
JUNK=$([ "$SHORT" = 1 ] && echo 500 || echo 5000)
STORE="$WORK/models"; NAME="faults"
T0=$(date +%s)
SUMMARY=()

step() { echo "faults [$(( $(date +%s) - T0 ))s] $*"; }

cleanup() {
  local rc=$?
  trap - EXIT
  step "cleanup (exit code $rc)"
  for p in "${BG_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ "$rc" -eq 0 ] || failure_digest "$REST" "${JOB_ID:-}" "$WORK/flink/log"
  if [ -n "${JOB_ID:-}" ]; then "$SC" cancel --rest "$REST" --timeout 30 "$JOB_ID" >/dev/null 2>&1 || true; fi
  for f in "$WORK"/flink/taskmanager-*.pid; do [ -f "$f" ] && stop_pid "$(basename "$f" .pid)" "$f" 30; done
  bash "$ROOT/deploy/cluster.sh" stop --work-dir "$WORK/flink" || true
  bash "$ROOT/deploy/kafka.sh" stop --work-dir "$WORK/kafka" || true
  if [ "$rc" -ne 0 ]; then echo "faults: FAILED; logs: $WORK/ (flink/log, kafka/logs, *.log)" >&2; fi
  exit "$rc"
}
BG_PIDS=()
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$WORK/flink" "$WORK/kafka" "$WORK/models" "$WORK"/run-*; mkdir -p "$WORK"
ls "$ROOT"/job/target/streamcast-job-*-all.jar >/dev/null 2>&1 \
  || die "job/target/streamcast-job-*-all.jar missing; run 'mvn -B -DskipTests package' first"
[ -f "$MODEL/manifest.json" ] || die "no model bundle at $MODEL (FAULTS_MODEL)"
WINDOW="$(grep -o '"window" *: *[0-9]*' "$MODEL/manifest.json" | head -1 | grep -o '[0-9]*$')"

step "starting Kafka ($BOOTSTRAP) and the Flink session cluster ($REST)"
bash "$ROOT/deploy/kafka.sh" start --work-dir "$WORK/kafka" --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT" \
  --heap 512m --timeout 240 --topics sensor-readings:2,forecasts:2,sensor-readings-dlq:1,sensor-readings-late:1,forecast-evaluations:2
# the spares start with the cluster, before the job: its slots are spread over every TaskManager
bash "$ROOT/deploy/cluster.sh" start --work-dir "$WORK/flink" --rest-port "$REST_PORT" --rpc-port "$RPC_PORT" --prometheus-ports 0 \
  --taskmanagers $(( 1 + SPARE )) --timeout 240

step "publishing $MODEL (T=$WINDOW) to the model store $STORE as $NAME"
mkdir -p "$STORE"
"$SC" publish "$MODEL" --store "$STORE" --name "$NAME" >/dev/null
GOOD_VERSION="$(tr -d '[:space:]' < "$STORE/$NAME/LATEST")"

step "submitting the job (exactly-once, hot reload; ${JOB_SETTINGS[*]:-job defaults})"
submit_job() {
  "$SC" submit --rest "$REST" --parallelism 2 "$@" kafka.bootstrap.servers="$BOOTSTRAP" \
    model.store="$STORE" model.name="$NAME" model.poll-interval=1s \
    delivery.guarantee=exactly-once delivery.transactional-id-prefix=faults source.starting-offsets=earliest \
    job.name=streamcast-faults "${JOB_SETTINGS[@]}"
}
JOB_ID="$(submit_job)"

job_state() { curl -sf --max-time 5 "$REST/jobs/$JOB_ID" | grep -o '"state":"[A-Z]*"' | head -1 | cut -d'"' -f4 || true; }
restarts() { curl -sf --max-time 5 "$REST/jobs/$JOB_ID/metrics?get=numRestarts" | grep -o '"value":"[0-9]*"' | grep -o '[0-9]*' || echo 0; }
wait_running() {
  local deadline=$(( $(date +%s) + $1 )) state
  while [ "$(date +%s)" -lt "$deadline" ]; do
    state="$(job_state)"
    [ "$state" = RUNNING ] && return 0
    case "$state" in FAILED|CANCELED|FINISHED) die "job $JOB_ID is $state; see $WORK/flink/log/" ;; esac
    sleep 0.5
  done
  die "job $JOB_ID not RUNNING within $1 s"
}
# completed checkpoints of the current job (0 until its first)
checkpoints() { curl -sf --max-time 5 "$REST/jobs/$JOB_ID/checkpoints" | grep -o '"completed":[0-9]*' | head -1 | cut -d: -f2 || echo 0; }
wait_checkpoint() {
  local deadline=$(( $(date +%s) + $1 ))
  until [ "$(checkpoints)" -ge 1 ] 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || die "job $JOB_ID completed no checkpoint within $1 s"
    sleep 0.5
  done
}
wait_running 300
# faults hit a job in its steady state: tasks initialised, state and transactions checkpointed once
wait_checkpoint 300
# Every TaskManager has a pid file taskmanager[-i].pid and a log taskmanager[-i].log. More are
# started with the first one's command line (and environment), as a supervisor would start them.
TM_CMD=()
mapfile -d '' TM_CMD < "/proc/$(cat "$WORK/flink/taskmanager.pid")/cmdline"
TM_SEQ=$(( 1 + SPARE ))
start_taskmanager() {
  local cmd=("${TM_CMD[@]}") i
  TM_SEQ=$(( TM_SEQ + 1 ))
  for i in "${!cmd[@]}"; do
    [[ "${cmd[$i]}" == -Dlog.file=* ]] && cmd[$i]="-Dlog.file=$WORK/flink/log/taskmanager-$TM_SEQ.log"
  done
  OMP_NUM_THREADS=1 FLINK_PLUGINS_DIR="$WORK/flink/plugins" setsid "${cmd[@]}" \
    > "$WORK/flink/log/taskmanager-$TM_SEQ.out" 2>&1 < /dev/null &
  echo $! > "$WORK/flink/taskmanager-$TM_SEQ.pid"
}
taskmanagers() { curl -sf --max-time 5 "$REST/overview" | grep -o '"taskmanagers":[0-9]*' | cut -d: -f2 || echo 0; }
wait_taskmanagers() {
  local deadline=$(( $(date +%s) + 180 ))
  until [ "$(taskmanagers)" -ge "$1" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "fewer than $1 TaskManagers registered after 180 s"
    sleep 0.5
  done
}
# the pid file of a TaskManager running the job's tasks (fewest free slots), found through its log
busy_taskmanager_pidfile() {
  local id log
  id="$(curl -sf --max-time 5 "$REST/taskmanagers" | tr '{' '\n' | grep '"freeSlots"' \
        | sed -n 's/.*"id":"\([^"]*\)".*"slotsNumber":\([0-9]*\),"freeSlots":\([0-9]*\).*/\3 \1/p' | sort -n | head -1 | cut -d' ' -f2)"
  [ -n "$id" ] || die "cannot list the TaskManagers at $REST"
  log="$(grep -l "Starting TaskManager with ResourceID: $id" "$WORK"/flink/log/taskmanager*.log | head -1)"
  [ -n "$log" ] || die "no log names TaskManager $id"
  echo "$WORK/flink/$(basename "$log" .log).pid"
}

# A TaskManager kill leaves every task on the survivor and the new TaskManager idle. Before the next
# kill, stop the job with a savepoint and resubmit it from there, so its slots are spread over both
# again, as on a cluster that has run a while: the kill then finds a survivor that has run the job.
# (The other case, tasks restarting on a TaskManager that never ran them, is --spare-taskmanagers 0.)
respread_job() {
  local savepoint
  step "tm-kill: respreading the job (stop with savepoint, resubmit)"
  savepoint="$("$SC" stop --rest "$REST" --timeout 300 --savepoint-dir "$WORK/flink/savepoints" "$JOB_ID")"
  [ -n "$savepoint" ] || die "stop printed no savepoint path"
  JOB_ID="$(submit_job --from-savepoint "$savepoint")"
  wait_running 300
  wait_checkpoint 300
}

# kill -9 a TaskManager running the job and start a new one at once (what a process supervisor or
# Kubernetes does); the job restores from its last checkpoint on the spare's slots or the new one
fault_tm_kill() {
  local pidfile
  pidfile="$(busy_taskmanager_pidfile)"
  kill -9 "$(cat "$pidfile")"
  now_ms > "$1"
  rm -f "$pidfile"
  start_taskmanager
}

fault_broker_outage() {
  bash "$ROOT/deploy/kafka.sh" stop --work-dir "$WORK/kafka" >/dev/null
  now_ms > "$1"
  sleep "$OUTAGE_S"
  bash "$ROOT/deploy/kafka.sh" start --work-dir "$WORK/kafka" --timeout 240 >/dev/null
}

# a new version whose network file has flipped bytes, made LATEST as an operator's copy would (the
# store's publish verifies bundles, so it is written by hand); the job must reject it and keep serving
fault_bad_bundle() {
  local bad="$STORE/$NAME/$(( GOOD_VERSION + 1000 + ${2:-1} ))"
  cp -r "$STORE/$NAME/$GOOD_VERSION" "$bad"
  printf '\xde\xad\xbe\xef\xde\xad\xbe\xef' | dd of="$bad/network.zip" bs=1 seek=200 conv=notrunc status=none
  echo "$(basename "$bad")" > "$STORE/$NAME/.LATEST.tmp" && mv "$STORE/$NAME/.LATEST.tmp" "$STORE/$NAME/LATEST"
  now_ms > "$1"
}

fault_junk() {
  now_ms > "$1"
  "$SC" junk --count "$JUNK" --bootstrap "$BOOTSTRAP" --topic sensor-readings --quiet
}

# no_broker LOG: the tool's log says it could not reach the broker at its start
no_broker() { grep -q 'no Kafka broker answers' "$1" 2>/dev/null; }

# run_scenario NAME N: readings for RUN_S seconds, the fault after FAULT_AFTER_S, then the checks
run_scenario() {
  local name="$1" n="$2" dir="$WORK/run-$1-$2" restarts_before rc recovery audit_line
  mkdir -p "$dir"
  if [ "$name" = tm-kill ] && [ "$n" -gt 1 ] && [ "$SPARE" -gt 0 ]; then respread_job; fi
  restarts_before="$(restarts)"
  step "$name #$n: $SENSORS sensors x $(( RATE / SENSORS ))/s for ${RUN_S}s, fault after ${FAULT_AFTER_S}s"
  local sim watch deadline=$(( $(date +%s) + 600 ))
  start_simulate() {
    "$SC" simulate --synthetic "$SENSORS" --rate "$RATE" --duration "$RUN_S" --bootstrap "$BOOTSTRAP" \
      --seed "$n" > "$dir/simulate.log" 2>&1 &
    sim=$!; BG_PIDS+=("$sim")
  }
  start_watch() {
    "$SC" audit recovery --bootstrap "$BOOTSTRAP" --fault-file "$dir/fault-at" --timeout 400 > "$dir/recovery.log" 2>&1 &
    watch=$!; BG_PIDS+=("$watch")
  }
  start_simulate; start_watch
  until grep -q '^ready' "$dir/recovery.log" 2>/dev/null && grep -q 'readings, ' "$dir/simulate.log" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$name: simulate/audit did not start within 600 s; see $dir"
    # a client JVM starved of CPU (load 20+) can miss its 30 s first contact with a running broker;
    # the tools stop at once then (nothing sent yet): start them again
    if ! kill -0 "$sim" 2>/dev/null && no_broker "$dir/simulate.log"; then step "$name #$n: simulate saw no broker yet; again"; start_simulate; fi
    if ! kill -0 "$watch" 2>/dev/null && no_broker "$dir/recovery.log"; then step "$name #$n: audit recovery saw no broker yet; again"; start_watch; fi
    sleep 0.5
  done
  sleep $(( FAULT_AFTER_S > 5 ? FAULT_AFTER_S - 5 : 0 ))   # the first progress line comes after 5 s
  step "$name #$n: fault"
  "fault_${name//-/_}" "$dir/fault-at" "$n"
  wait "$watch" || true
  recovery="$(grep -o '^recovery [0-9]*' "$dir/recovery.log" | grep -o '[0-9]*$' || true)"
  wait "$sim" || die "$name: simulate failed (readings not sent); see $dir/simulate.log"
  [ "$name" = bad-bundle ] && echo "$GOOD_VERSION" > "$STORE/$NAME/.LATEST.tmp" && mv "$STORE/$NAME/.LATEST.tmp" "$STORE/$NAME/LATEST"
  wait_running 300
  local attempt
  for attempt in 1 2 3; do
    rc=0
    "$SC" audit check --bootstrap "$BOOTSTRAP" --window "$WINDOW" --model-version "$GOOD_VERSION" --timeout 240 --json "$dir/audit.json" \
      > "$dir/audit.log" 2>&1 || rc=$?
    [ "$rc" -ne 0 ] && no_broker "$dir/audit.log" || break
  done
  audit_line="$(grep '^audit:' "$dir/audit.log" || tail -n 3 "$dir/audit.log")"
  local restarted=$(( $(restarts) - restarts_before ))
  step "$name #$n: recovery ${recovery:-NONE} ms, job restarts $restarted; $audit_line"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$n" "${recovery:-none}" "$restarted" \
    "$(cat "$dir/audit.json" 2>/dev/null || echo '{}')" "${JOB_SETTINGS[*]:-defaults}" >> "$RESULTS"
  [ "$rc" -eq 0 ] || die "$name: forecasts do not match the readings ($audit_line)"
  [ -n "$recovery" ] || die "$name: no new forecast visible within 400 s of the fault"
  case "$name" in
    bad-bundle|junk) [ "$restarted" -eq 0 ] || die "$name: the job restarted $restarted time(s); it must not" ;;
  esac
  if [ "$name" = bad-bundle ]; then
    grep -q "model faults@$(( GOOD_VERSION + 1000 + n )) rejected" "$WORK"/flink/log/taskmanager*.log \
      || die "bad-bundle: no TaskManager log says the corrupt version was rejected"
  fi
  if [ "$name" = tm-kill ]; then wait_taskmanagers $(( 1 + SPARE )); fi
  SUMMARY+=("$name $recovery")
}

for s in "${SCENARIO_LIST[@]}"; do
  runs=1; [ "$s" = tm-kill ] && runs="$TM_KILLS"
  for ((i = 1; i <= runs; i++)); do run_scenario "$s" "$i"; done
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }
step "results (recovery: fault -> first new forecast visible read_committed; 0 duplicated, 0 missing in every run):"
for s in "${SCENARIO_LIST[@]}"; do
  times="$(printf '%s\n' "${SUMMARY[@]}" | awk -v s="$s" '$1 == s {print $2}')"
  printf '  %-14s runs %d, recovery ms: %s (median %s)\n' "$s" "$(echo "$times" | wc -l)" \
    "$(echo "$times" | tr '\n' ' ')" "$(echo "$times" | median)"
done
"$SC" cancel --rest "$REST" "$JOB_ID" >/dev/null
JOB_ID=""
echo "faults: PASSED (results appended to $RESULTS)"
