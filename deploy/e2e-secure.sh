#!/usr/bin/env bash
# Secured Kafka end to end: a KRaft broker whose client listener requires SASL over TLS (SASL_SSL,
# SCRAM-SHA-256, a self-signed certificate the clients verify: deploy/kafka.sh --tls), a Flink session cluster, the job submitted with
# kafka.config=<client properties file>, simulate and tail with --kafka-config. Asserts that a
# client without credentials is refused, that forecasts arrive, that a wrong password fails the
# submission with a message that does not contain it, and that the password appears nowhere:
# not in the cluster's logs, not in what Flink's REST API (and so the web UI) shows about the job
# (configuration, program arguments, plan, exceptions), not in the commands' output.
# Stops everything it started (trap). Run after 'mvn -B package' (.ci/run calls it).
set -euo pipefail
PROG="e2e-secure"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WORK="${E2E_WORK:-$ROOT/work/e2e-secure}"
KAFKA_PORT=$(free_port 19492); CONTROLLER_PORT=$(free_port $(( KAFKA_PORT + 1 )))
REST_PORT=$(free_port 18481); RPC_PORT=$(free_port 16423)
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
REST="http://127.0.0.1:$REST_PORT"
SC="$ROOT/streamcast"
MODEL="${E2E_MODEL:-$ROOT/models/bundled/etth1-demo}"
T0=$(date +%s)
step() { echo "e2e-secure [$(( $(date +%s) - T0 ))s] $*"; }

cleanup() {
  local rc=$?
  trap - EXIT
  step "cleanup (exit code $rc)"
  [ "$rc" -eq 0 ] || failure_digest "$REST" "${JOB_ID:-}" "$WORK/flink/log"
  if [ -n "${JOB_ID:-}" ]; then "$SC" cancel --rest "$REST" --timeout 30 "$JOB_ID" >/dev/null 2>&1 || true; fi
  bash "$ROOT/deploy/cluster.sh" stop --work-dir "$WORK/flink" || true
  bash "$ROOT/deploy/kafka.sh" stop --work-dir "$WORK/kafka" || true
  [ "$rc" -eq 0 ] || echo "e2e-secure: FAILED; logs: $WORK/flink/log/ and $WORK/kafka/logs/" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$WORK"; mkdir -p "$WORK/out"
step "starting a SASL_SSL/SCRAM-SHA-256 broker and a session cluster"
bash "$ROOT/deploy/kafka.sh" start --tls --work-dir "$WORK/kafka" --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT" \
  --heap 512m --topics sensor-readings:2,forecasts:2,sensor-readings-dlq:1,sensor-readings-late:1,forecast-evaluations:2
CLIENT="$WORK/kafka/client.properties"
SECRET="$(cat "$WORK/kafka/secrets/streamcast.password")"
[ "$(stat -c %a "$CLIENT")" = 600 ] || die "$CLIENT is not mode 600"
grep -qx "security.protocol=SASL_SSL" "$CLIENT" || die "$CLIENT does not ask for SASL_SSL"
bash "$ROOT/deploy/cluster.sh" start --work-dir "$WORK/flink" --rest-port "$REST_PORT" --rpc-port "$RPC_PORT" --prometheus-ports 0

step "a client without credentials is refused"
if "$SC" simulate --synthetic 1 --count 1 --bootstrap "$BOOTSTRAP" --retry-for 10 --quiet > "$WORK/out/anonymous.txt" 2>&1; then
  die "a producer without SASL credentials could write to the broker"
fi

step "a wrong password fails the submission without showing the password"
WRONG="WrongPassword$RANDOM$RANDOM"
sed "s/password=\"[^\"]*\"/password=\"$WRONG\"/" "$CLIENT" > "$WORK/wrong.properties"; chmod 600 "$WORK/wrong.properties"
if "$SC" submit --rest "$REST" kafka.config="$WORK/wrong.properties" model.bundle="$MODEL" > "$WORK/out/wrong-submit.txt" 2>&1; then
  die "the job started with a wrong password"
fi
grep -qi "auth" "$WORK/out/wrong-submit.txt" || die "the failed submission does not say why: $(tail -3 "$WORK/out/wrong-submit.txt")"
! grep -qF "$WRONG" "$WORK/out/wrong-submit.txt" || die "the submission's error message shows the password"

step "submitting the job with kafka.config=$CLIENT"
# the job's preflight gives Kafka 15 s; a loaded machine can miss that once: up to three tries
for attempt in 1 2 3; do
  JOB_ID="$("$SC" submit --rest "$REST" --parallelism 2 kafka.config="$CLIENT" model.bundle="$MODEL" \
    delivery.guarantee=exactly-once checkpoint.interval=2s source.starting-offsets=earliest watermark.idleness=0 \
    job.name=streamcast-e2e-secure 2> "$WORK/out/submit-$attempt.txt")" && break
  grep -q "cannot reach Kafka" "$WORK/out/submit-$attempt.txt" && [ "$attempt" -lt 3 ] \
    || die "submission failed: $(grep -o 'main method caused an error.\{0,300\}' "$WORK/out/submit-$attempt.txt" || tail -2 "$WORK/out/submit-$attempt.txt")"
  step "attempt $attempt: Kafka not reached within the preflight's 15 s; again"
done
for _ in $(seq 1 300); do
  state="$(curl -sf "$REST/jobs/$JOB_ID" | grep -o '"state":"[A-Z]*"' | head -1 | cut -d'"' -f4 || true)"
  [ "$state" = RUNNING ] && break
  case "$state" in FAILED|CANCELED|FINISHED) die "job $JOB_ID is $state" ;; esac
  sleep 0.2
done
[ "$state" = RUNNING ] || die "job $JOB_ID not RUNNING after 60 s"

step "simulate and tail with --kafka-config"
"$SC" simulate --kafka-config "$CLIENT" --synthetic 4 --count 200 --rate 400 --step-millis 1000 --quiet > "$WORK/out/simulate.txt" 2>&1 \
  || die "simulate against the secured broker failed: $(tail -3 "$WORK/out/simulate.txt")"
"$SC" tail --kafka-config "$CLIENT" --json --max 40 --timeout 180 > "$WORK/out/forecasts.jsonl" 2> "$WORK/out/tail.txt" \
  || die "fewer than 40 forecasts within 180 s from the secured broker"
[ "$(grep -c '"sensorId":"sim-00' "$WORK/out/forecasts.jsonl")" -eq 40 ] || die "unexpected forecasts: $WORK/out/forecasts.jsonl"

step "the password is nowhere: REST (job config, arguments, plan, exceptions, cluster config), logs, output"
for path in "/jobs/$JOB_ID" "/jobs/$JOB_ID/config" "/jobs/$JOB_ID/plan" "/jobs/$JOB_ID/exceptions" \
            "/jobs/$JOB_ID/checkpoints/config" "/jobmanager/config" "/jobs/$JOB_ID/jobmanager/config" "/jars"; do
  curl -sf "$REST$path" > "$WORK/out/rest$(echo "$path" | tr '/' '_').json" || die "GET $path failed"
done
grep -q "kafka.config=" "$WORK/out/rest_jobs_${JOB_ID}_config.json" "$WORK/out/rest_jobs_${JOB_ID}.json" 2>/dev/null \
  || echo "e2e-secure: (program arguments are not part of the job's REST config in this Flink version)"
for secret in "$SECRET" "$(cat "$WORK/kafka/secrets/admin.password")" "$WRONG" \
              "$(cat "$WORK/kafka/secrets/keystore.password")" "$(cat "$WORK/kafka/secrets/truststore.password")"; do
  leaks="$(grep -rlF "$secret" "$WORK/flink/log" "$WORK/out" "$WORK/kafka/logs" 2>/dev/null || true)"
  [ -z "$leaks" ] || die "a password appears in: $leaks"
done
grep -q "sasl.jaas.config = \*\*\*\*\*\*" "$WORK/flink/log/jobmanager.log" \
  || die "the job's settings (logged with secrets masked) are not in the JobManager log"
step "OK: forecasts over SASL/SCRAM on TLS; no password in $(ls "$WORK/out" | wc -l) REST answers and outputs, $(ls "$WORK/flink/log" | wc -l) cluster logs, the broker's logs"
"$SC" cancel --rest "$REST" "$JOB_ID"
JOB_ID=""
echo "e2e-secure: PASSED"
