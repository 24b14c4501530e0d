#!/usr/bin/env bash
# A real single-node Kafka broker (KRaft, broker+controller in one JVM) on 127.0.0.1, from jars
# that Maven resolves (deploy/pom.xml, profile kafka). Data, logs and the pid file live in the work
# directory. Usually reached through './streamcast kafka ...'.
set -euo pipefail
PROG="streamcast kafka"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: deploy/kafka.sh start|stop|status|create-topics [options]
  start                 format storage (first time), start the broker, wait until it answers
  stop                  SIGTERM the broker and wait until it has exited
  status                show whether it runs, its address and its topics
  create-topics SPEC    create topics if missing; SPEC = name[:partitions],... (e.g. sensor-readings:2,forecasts:2)
Options:
  --work-dir DIR        data, logs, pid file (default: \$STREAMCAST_WORK/kafka or <repo>/work/kafka)
  --port N              client listener on 127.0.0.1 (default 9092)
  --controller-port N   KRaft controller listener (default 9093)
  --topics SPEC         with start: create these topics once the broker is up
  --heap SIZE           broker heap, e.g. 512m (default 1g)
  --sasl                with start: the client listener requires SASL_PLAINTEXT with SCRAM-SHA-256; users
                        'admin' (broker) and 'streamcast' get random passwords; the client settings with the
                        credentials go to WORK/client.properties (mode 600): pass it as kafka.config / --kafka-config
  --tls                 with start: SASL over TLS (SASL_SSL; implies --sasl): a self-signed certificate for
                        127.0.0.1/localhost made with keytool, its truststore in WORK/secrets, named in client.properties
  --timeout S           start/stop wait limit in seconds (default 60)
USAGE
}

ACTION="${1:-}"; [ $# -gt 0 ] && shift
case "$ACTION" in -h|--help|help) usage; exit 0 ;; start|stop|status|create-topics) ;; "") usage_error "missing action: start, stop, status or create-topics" ;; *) usage_error "unknown action '$ACTION'; use start, stop, status or create-topics" ;; esac

WORK="${STREAMCAST_WORK:-$ROOT/work}/kafka"
PORT=""; CPORT=""; TOPICS=""; HEAP="1g"; TIMEOUT=60; SASL=; TLS=
if [ "$ACTION" = create-topics ]; then
  [ $# -gt 0 ] && [ "${1#--}" = "$1" ] || usage_error "create-topics needs a SPEC, e.g. sensor-readings:2,forecasts:2"
  TOPICS="$1"; shift
fi
while [ $# -gt 0 ]; do
  case "$1" in
    --work-dir) WORK="${2:?--work-dir needs a value}"; shift 2 ;;
    --port) PORT="${2:?--port needs a value}"; shift 2 ;;
    --controller-port) CPORT="${2:?--controller-port needs a value}"; shift 2 ;;
    --topics) TOPICS="${2:?--topics needs a value}"; shift 2 ;;
    --heap) HEAP="${2:?--heap needs a value}"; shift 2 ;;
    --sasl) SASL=1; shift ;;
    --tls) TLS=1; SASL=1; shift ;;
    --timeout) TIMEOUT="${2:?--timeout needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
for p in "$PORT" "$CPORT" "$TIMEOUT"; do
  [ -z "$p" ] || [[ "$p" =~ ^[0-9]+$ ]] || usage_error "'$p' is not a number"
done
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
PIDFILE="$WORK/kafka.pid"
ENVFILE="$WORK/kafka.env"
LOG="$WORK/logs/server.out"
# Ports of the running broker are remembered so stop/status/create-topics find it.
if [ -f "$ENVFILE" ]; then source "$ENVFILE"; fi
PORT="${PORT:-${KAFKA_PORT:-9092}}"
SASL="${SASL:-${KAFKA_SASL:-}}"
TLS="${TLS:-${KAFKA_TLS:-}}"
PROTOCOL=PLAINTEXT
[ -z "$SASL" ] || PROTOCOL=SASL_PLAINTEXT
[ -z "$TLS" ] || PROTOCOL=SASL_SSL
CLIENT_CONFIG="$WORK/client.properties"
CPORT="${CPORT:-${KAFKA_CONTROLLER_PORT:-9093}}"
BOOTSTRAP="127.0.0.1:$PORT"

kafka_cp() { classpath kafka; }

# Runs a Kafka tool class in a short-lived JVM.
tool() {
  "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$WORK/log4j2-tools.properties" -cp "$(kafka_cp)" "$@"
}
# the admin tools authenticate like every other client when the listener needs SASL
admin_config() { if [ -n "$SASL" ]; then echo --command-config "$CLIENT_CONFIG"; fi; }

# SASL: random passwords, created once per work dir, readable by this user only
secrets() {
  mkdir -p "$WORK/secrets"; chmod 700 "$WORK/secrets"
  local u
  for u in admin streamcast; do
    [ -s "$WORK/secrets/$u.password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$WORK/secrets/$u.password")
  done
  [ -z "$TLS" ] || certificates
  (umask 077; cat > "$CLIENT_CONFIG" <<PROPS
# Kafka client settings for this broker ($PROTOCOL, SCRAM-SHA-256): the job's kafka.config,
# --kafka-config of simulate/tail. Contains a password: keep it mode 600, never pass it as arguments.
bootstrap.servers=$BOOTSTRAP
security.protocol=$PROTOCOL
sasl.mechanism=SCRAM-SHA-256
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="streamcast" password="$(cat "$WORK/secrets/streamcast.password")";
PROPS
)
  [ -z "$TLS" ] || cat >> "$CLIENT_CONFIG" <<PROPS
ssl.truststore.type=PKCS12
ssl.truststore.location=$WORK/secrets/truststore.p12
ssl.truststore.password=$(cat "$WORK/secrets/truststore.password")
PROPS
}

# TLS: a self-signed broker certificate (SAN 127.0.0.1 and localhost, so clients verify the host
# name) in a PKCS12 keystore, and a truststore holding it for the clients; made once per work dir.
certificates() {
  local keytool="${JAVA_HOME:+$JAVA_HOME/bin/}keytool" d="$WORK/secrets" p
  [ -s "$d/keystore.p12" ] && [ -s "$d/truststore.p12" ] && return 0
  for p in keystore truststore; do
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$d/$p.password")
  done
  rm -f "$d/keystore.p12" "$d/truststore.p12" "$d/broker.crt"
  (umask 077
   "$keytool" -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 825 -dname "CN=localhost" \
     -ext "SAN=ip:127.0.0.1,dns:localhost" -storetype PKCS12 -keystore "$d/keystore.p12" \
     -storepass "$(cat "$d/keystore.password")" >/dev/null 2>&1 \
     && "$keytool" -exportcert -rfc -alias broker -keystore "$d/keystore.p12" -storepass "$(cat "$d/keystore.password")" \
          -file "$d/broker.crt" >/dev/null 2>&1 \
     && "$keytool" -importcert -noprompt -alias broker -file "$d/broker.crt" -storetype PKCS12 \
          -keystore "$d/truststore.p12" -storepass "$(cat "$d/truststore.password")" >/dev/null 2>&1) \
    || die "keytool could not make the TLS certificate in $d (is keytool at ${keytool}?)"
}

write_config() {
  local listener=$PROTOCOL
  (umask 077; cat > "$WORK/server.properties" <<PROPS
# generated by deploy/kafka.sh; edit the script, not this file
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=$listener://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=$listener://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=$listener:$listener,CONTROLLER:PLAINTEXT
inter.broker.listener.name=$listener
log.dirs=$WORK/data
num.partitions=1
# one broker: every internal topic has one replica, or consumer groups and transactions never form
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
)
  if [ -n "$SASL" ]; then
    cat >> "$WORK/server.properties" <<PROPS
sasl.enabled.mechanisms=SCRAM-SHA-256
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256
listener.name.${listener,,}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$WORK/secrets/admin.password")";
PROPS
  fi
  if [ -n "$TLS" ]; then
    cat >> "$WORK/server.properties" <<PROPS
ssl.keystore.type=PKCS12
ssl.keystore.location=$WORK/secrets/keystore.p12
ssl.keystore.password=$(cat "$WORK/secrets/keystore.password")
ssl.truststore.type=PKCS12
ssl.truststore.location=$WORK/secrets/truststore.p12
ssl.truststore.password=$(cat "$WORK/secrets/truststore.password")
PROPS
  fi
  cat > "$WORK/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=RollingFile
appender.file.name=file
appender.file.fileName=$WORK/logs/server.log
appender.file.filePattern=$WORK/logs/server.log.%i
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
appender.file.policies.type=Policies
appender.file.policies.size.type=SizeBasedTriggeringPolicy
appender.file.policies.size.size=50MB
appender.file.strategy.type=DefaultRolloverStrategy
appender.file.strategy.max=3
PROPS
  cat > "$WORK/log4j2-tools.properties" <<PROPS
rootLogger.level=WARN
rootLogger.appenderRef.err.ref=err
appender.err.type=Console
appender.err.name=err
appender.err.target=SYSTEM_ERR
appender.err.layout.type=PatternLayout
appender.err.layout.pattern=%p %m%n
PROPS
}

create_topics() {
  local spec name parts
  IFS=',' read -ra specs <<< "$1"
  for spec in "${specs[@]}"; do
    name="${spec%%:*}"; parts=1
    [[ "$spec" == *:* ]] && parts="${spec#*:}"
    [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || usage_error "bad topic name '$name' in '$1'"
    [[ "$parts" =~ ^[0-9]+$ ]] || usage_error "bad partition count '$parts' in '$spec'"
    tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" $(admin_config) --create --if-not-exists \
      --topic "$name" --partitions "$parts" --replication-factor 1 >/dev/null
    echo "kafka: topic $name ($parts partitions) ready"
  done
}

case "$ACTION" in
  start)
    if alive "$PIDFILE"; then
      echo "kafka: already running (pid $(cat "$PIDFILE")) on $BOOTSTRAP"
      [ -z "$TOPICS" ] || create_topics "$TOPICS"
      exit 0
    fi
    check_port_free "client" "$PORT"; check_port_free "controller" "$CPORT"
    t0=$(now_ms)
    CP="$(kafka_cp)"
    mkdir -p "$WORK/logs" "$WORK/data"
    printf 'KAFKA_PORT=%s\nKAFKA_CONTROLLER_PORT=%s\nKAFKA_SASL=%s\nKAFKA_TLS=%s\n' "$PORT" "$CPORT" "$SASL" "$TLS" > "$ENVFILE"
    [ -z "$SASL" ] || secrets
    write_config
    if [ ! -f "$WORK/data/meta.properties" ]; then
      CLUSTER_ID="$(tool kafka.tools.StorageTool random-uuid)"
      SCRAM=()
      # SCRAM users live in the cluster metadata: created with the storage, before the broker starts
      [ -z "$SASL" ] || for u in admin streamcast; do
        SCRAM+=(--add-scram "SCRAM-SHA-256=[name=$u,password=$(cat "$WORK/secrets/$u.password")]")
      done
      tool kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$WORK/server.properties" "${SCRAM[@]}" >/dev/null \
        || die "formatting $WORK/data failed; remove $WORK and start again"
    fi
    t1=$(now_ms)
    # setsid: the broker must not die with the shell that started it (Ctrl-C in a terminal).
    setsid "$JAVA" -Xms256m -Xmx"$HEAP" -XX:+UseG1GC \
      -Dlog4j2.configurationFile="$WORK/log4j2.properties" -Dkafka.logs.dir="$WORK/logs" \
      -cp "$CP" kafka.Kafka "$WORK/server.properties" > "$LOG" 2>&1 < /dev/null &
    echo $! > "$PIDFILE"
    wait_for "kafka broker" "$TIMEOUT" "$PIDFILE" "$WORK/logs/server.log" \
      bash -c "grep -q 'Kafka Server started' '$WORK/logs/server.log' 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null"
    t2=$(now_ms)
    echo "kafka: started (pid $(cat "$PIDFILE")) on $BOOTSTRAP in $(( (t2 - t1) ))ms (+$(( t1 - t0 ))ms classpath/format); work dir $WORK"
    [ -z "$SASL" ] || echo "kafka: $PROTOCOL/SCRAM-SHA-256; client settings with credentials: $CLIENT_CONFIG"
    [ -z "$TOPICS" ] || create_topics "$TOPICS"
    ;;
  stop)
    stop_pid kafka "$PIDFILE" "$TIMEOUT"
    ;;
  status)
    if alive "$PIDFILE"; then
      echo "kafka: running (pid $(cat "$PIDFILE")) on $BOOTSTRAP; work dir $WORK"
      echo "topics:"
      tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" $(admin_config) --describe --exclude-internal \
        | awk '/PartitionCount/ { n=$2; for (i=1;i<=NF;i++) if ($i=="PartitionCount:") p=$(i+1); printf "  %-28s %s partitions\n", n, p }'
    else
      echo "kafka: not running (work dir $WORK)"
      exit 3
    fi
    ;;
  create-topics)
    alive "$PIDFILE" || die "the broker is not running; start it with './streamcast kafka start'"
    create_topics "$TOPICS"
    ;;
esac
