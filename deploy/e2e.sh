#!/usr/bin/env bash
# End-to-end on the real thing: a KRaft broker and a Flink session cluster (separate JVMs, from
# Maven-resolved jars), the job jar submitted over REST, simulated readings in, forecasts out.
# Asserts the forecasts that must arrive do, and no more than can (exactly-once, no duplicates).
# Then stops the job with a savepoint, resubmits it from the savepoint at parallelism 1 (the cluster
# has two TaskManagers of one slot each), sends the next readings of the same sensors and compares
# every forecast with the readings' timeline: each sensor's windows continue across the stop (no
# warm-up gap), none is missing or duplicated.
# Stops everything it started, whatever happens (trap). Run after 'mvn -B verify' (or package).
#   deploy/e2e.sh                 (CI: .ci/run calls it)
# Env: E2E_WORK (default work/e2e), E2E_MODEL (a model bundle dir; default: train a tiny one).
set -euo pipefail
PROG="e2e"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WORK="${E2E_WORK:-$ROOT/work/e2e}"
KAFKA_PORT=$(free_port 19092); CONTROLLER_PORT=$(free_port $(( KAFKA_PORT + 1 )))
REST_PORT=$(free_port 18081); RPC_PORT=$(free_port 16123)
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
REST="http://127.0.0.1:$REST_PORT"
SC="$ROOT/streamcast"
SENSORS=4          # simulated sensors
PER_SENSOR=60      # readings per sensor
STEP_MS=1000       # event time between a sensor's readings
OUT_OF_ORDER_MS=2000
T0=$(date +%s)

step() { echo "e2e [$(( $(date +%s) - T0 ))s] $*"; }

cleanup() {
  local rc=$?
  trap - EXIT
  step "cleanup (exit code $rc)"
  [ "$rc" -eq 0 ] || failure_digest "$REST" "${JOB_ID:-}" "$WORK/flink/log"
  if [ -n "${JOB_ID:-}" ]; then "$SC" cancel --rest "$REST" --timeout 30 "$JOB_ID" >/dev/null 2>&1 || true; fi
  bash "$ROOT/deploy/cluster.sh" stop --work-dir "$WORK/flink" || true
  bash "$ROOT/deploy/kafka.sh" stop --work-dir "$WORK/kafka" || true
  if [ "$rc" -ne 0 ]; then
    echo "e2e: FAILED; logs: $WORK/flink/log/ and $WORK/kafka/logs/" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$WORK"; mkdir -p "$WORK"
ls "$ROOT"/job/target/streamcast-job-*-all.jar >/dev/null 2>&1 \
  || die "job/target/streamcast-job-*-all.jar missing; run 'mvn -B -DskipTests package' first"

step "starting Kafka and the Flink session cluster"
bash "$ROOT/deploy/kafka.sh" start --work-dir "$WORK/kafka" --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT" \
  --heap 512m --topics sensor-readings:2,forecasts:2,sensor-readings-dlq:1,sensor-readings-late:1,forecast-evaluations:2
bash "$ROOT/deploy/cluster.sh" start --work-dir "$WORK/flink" --rest-port "$REST_PORT" --rpc-port "$RPC_PORT" \
  --taskmanagers 2 --slots 1 --tm-memory 1536m --prometheus-ports 0

MODEL="${E2E_MODEL:-}"
if [ -z "$MODEL" ]; then
  step "training a tiny model (1 epoch) on data/ett/ETTh1.csv"
  "$SC" train --data "$ROOT/data/ett/ETTh1.csv" --window 12 --horizon 4 --head flat --units 8 --epochs 1 \
    --plots 0 --name e2e --out "$WORK/model" > "$WORK/train.log" 2>&1 \
    || { tail -n 5 "$WORK/train.log" >&2; die "training the e2e model failed; see $WORK/train.log"; }
  MODEL="$WORK/model"
fi
WINDOW="$(grep -o '"window" *: *[0-9]*' "$MODEL/manifest.json" | head -1 | grep -o '[0-9]*$')"
HORIZON="$(grep -o '"horizon" *: *[0-9]*' "$MODEL/manifest.json" | head -1 | grep -o '[0-9]*$')"
[ -n "$WINDOW" ] && [ -n "$HORIZON" ] || die "cannot read window/horizon from $MODEL/manifest.json"

JOB_ARGS=(kafka.bootstrap.servers="$BOOTSTRAP" model.bundle="$MODEL"
  delivery.guarantee=exactly-once checkpoint.interval=2s source.starting-offsets=earliest
  watermark.out-of-orderness="${OUT_OF_ORDER_MS}ms" watermark.idleness=0 job.name=streamcast-e2e)
await_running() {
  local state=""
  for _ in $(seq 1 300); do
    state="$(curl -sf "$REST/jobs/$JOB_ID" | grep -o '"state":"[A-Z]*"' | head -1 | cut -d'"' -f4 || true)"
    [ "$state" = RUNNING ] && return 0
    case "$state" in FAILED|CANCELED|FINISHED) die "job $JOB_ID is $state; see $WORK/flink/log/jobmanager.log" ;; esac
    sleep 0.2
  done
  die "job $JOB_ID not RUNNING after 60 s (state '$state')"
}

step "submitting the job (model $MODEL: T=$WINDOW, H=$HORIZON) at parallelism 2"
JOB_ID="$("$SC" submit --rest "$REST" --parallelism 2 "${JOB_ARGS[@]}")"
await_running

# event time of every sensor's i-th reading: START + i*STEP_MS (whole seconds: issuedAt prints as ...:SSZ)
START=$(( ($(date +%s) - 600) * 1000 ))
step "producing $((SENSORS * PER_SENSOR)) readings ($SENSORS sensors, event time step ${STEP_MS} ms)"
"$SC" simulate --synthetic "$SENSORS" --count "$((SENSORS * PER_SENSOR))" --rate 400 --step-millis "$STEP_MS" \
  --start-millis "$START" --bootstrap "$BOOTSTRAP" --quiet

# A reading becomes a step once the watermark (latest event time - out-of-orderness) passes it, so
# the last ~out-of-orderness/step readings of each sensor stay pending: at least MIN forecasts must
# arrive, and never more than MAX (one per complete window; more would be duplicates).
HELD=$(( OUT_OF_ORDER_MS / STEP_MS + 1 ))
MIN=$(( SENSORS * (PER_SENSOR - HELD - WINDOW + 1) ))
MAX=$(( SENSORS * (PER_SENSOR - WINDOW + 1) ))
step "expecting between $MIN and $MAX forecasts on topic forecasts (read_committed)"
"$SC" tail --bootstrap "$BOOTSTRAP" --json --max "$MIN" --timeout 120 > "$WORK/forecasts.jsonl" \
  || die "fewer than $MIN forecasts within 120 s"
# what the forecasts must say: our sensors, H steps x 7 channels, the submitted model
bad="$(grep -v -E '"sensorId":"sim-00[0-9]"' "$WORK/forecasts.jsonl" | head -1 || true)"
[ -z "$bad" ] || die "forecast for an unknown sensor: $bad"
[ "$(grep -c "\"horizon\":$HORIZON,\"channels\":7," "$WORK/forecasts.jsonl")" -eq "$MIN" ] \
  || die "forecasts without horizon $HORIZON x 7 channels: see $WORK/forecasts.jsonl"
[ "$(grep -c '"modelName":"e2e"' "$WORK/forecasts.jsonl")" -eq "$MIN" ] || [ -n "${E2E_MODEL:-}" ] \
  || die "forecasts not from model e2e: see $WORK/forecasts.jsonl"
! grep -q -E 'NaN|Infinity' "$WORK/forecasts.jsonl" || die "non-finite forecast values: see $WORK/forecasts.jsonl"
for s in $(seq 0 $((SENSORS - 1))); do
  grep -q "\"sensorId\":\"sim-00$s\"" "$WORK/forecasts.jsonl" || die "no forecast for sensor sim-00$s"
done
# no more than MAX, once two more checkpoints had the chance to commit anything still in flight
sleep 5
if "$SC" tail --bootstrap "$BOOTSTRAP" --max "$((MAX + 1))" --timeout 30 > "$WORK/all.txt" 2>/dev/null; then
  die "more than $MAX forecasts: duplicates? see $WORK/all.txt"
fi
TOTAL="$(wc -l < "$WORK/all.txt")"
# the re-read must have seen what the first read did, or the duplicate check above proved nothing
[ "$TOTAL" -ge "$MIN" ] || die "re-read only $TOTAL of the $MIN forecasts within 30 s: the duplicate check saw too little"
step "OK: $TOTAL forecasts (expected $MIN..$MAX) for $SENSORS sensors, H=$HORIZON"

step "stopping job $JOB_ID with a savepoint (no drain: the sensors' buffered readings stay in the state)"
SAVEPOINT="$("$SC" stop --rest "$REST" --savepoint-dir "$WORK/savepoints" "$JOB_ID")"
[ -n "$SAVEPOINT" ] || die "stop printed no savepoint path"
step "resubmitting from $SAVEPOINT at parallelism 1"
JOB_ID="$("$SC" submit --rest "$REST" --parallelism 1 --from-savepoint "$SAVEPOINT" "${JOB_ARGS[@]}")"
await_running
step "producing the next $((SENSORS * PER_SENSOR)) readings of the same sensors"
"$SC" simulate --synthetic "$SENSORS" --count "$((SENSORS * PER_SENSOR))" --rate 400 --step-millis "$STEP_MS" \
  --start-millis "$(( START + PER_SENSOR * STEP_MS ))" --seed 43 --bootstrap "$BOOTSTRAP" --quiet

# Both phases together: 2*PER_SENSOR readings per sensor on one timeline. Forecast sensor@issuedAt for
# every reading from the T-th on (issuedAt = that reading's time) up to the last released one.
export LC_ALL=C
N=$(( 2 * PER_SENSOR ))
MIN=$(( SENSORS * (N - HELD - WINDOW + 1) ))
MAX=$(( SENSORS * (N - WINDOW + 1) ))
step "expecting between $MIN and $MAX forecasts over both jobs"
"$SC" tail --bootstrap "$BOOTSTRAP" --json --max "$MIN" --timeout 120 > "$WORK/forecasts2.jsonl" \
  || die "fewer than $MIN forecasts within 120 s after the resubmit (state lost at the stop?)"
sleep 5
"$SC" tail --bootstrap "$BOOTSTRAP" --json --max "$((MAX + 1))" --timeout 30 > "$WORK/forecasts2.jsonl" 2>/dev/null || true
TOTAL="$(wc -l < "$WORK/forecasts2.jsonl")"
[ "$TOTAL" -ge "$MIN" ] && [ "$TOTAL" -le "$MAX" ] || die "$TOTAL forecasts, expected $MIN..$MAX: see $WORK/forecasts2.jsonl"
sed -E 's/.*"sensorId":"([^"]*)".*"issuedAt":"([^"]*)".*/\1@\2/' "$WORK/forecasts2.jsonl" | sort > "$WORK/got.txt"
dup="$(uniq -d "$WORK/got.txt" | head -3)"
[ -z "$dup" ] || die "duplicate forecasts across the stop: $dup"
for s in $(seq 0 $((SENSORS - 1))); do
  for i in $(seq $((WINDOW - 1)) $((N - 1))); do
    echo "sim-00$s@$(date -u -d "@$(( (START + i * STEP_MS) / 1000 ))" +%Y-%m-%dT%H:%M:%SZ) $i"
  done
done | sort > "$WORK/timeline.txt"
# every forecast is issued at a reading of its sensor, and every released reading has its forecast
unexpected="$(join -v 1 "$WORK/got.txt" "$WORK/timeline.txt" | head -3)"
[ -z "$unexpected" ] || die "forecasts at no reading's time: $unexpected"
missing="$(join -v 2 "$WORK/got.txt" "$WORK/timeline.txt" | awk -v last=$((N - HELD - 1)) '$2 <= last' | head -3)"
[ -z "$missing" ] || die "missing forecasts (e.g. the windows spanning the stop): $missing"
step "OK: $TOTAL forecasts over stop -> savepoint -> resubmit at parallelism 1, windows continuous across the stop, in $(( $(date +%s) - T0 )) s"
"$SC" cancel --rest "$REST" "$JOB_ID"
JOB_ID=""
echo "e2e: PASSED"
