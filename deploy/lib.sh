# Shared helpers for deploy/*.sh (sourced, not run).
# Everything binds to 127.0.0.1; every process we start has a pid file and is stopped by pid.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() { echo "$PROG: $*" >&2; exit 1; }
usage_error() { echo "$PROG: $* (see '$PROG --help')" >&2; exit 2; }
now_ms() { date +%s%3N; }

# Java 17 module opens that Flink's default config puts in env.java.opts.all (and the CLI needs).
JAVA17_OPENS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

# classpath PROFILE: resolves deploy/pom.xml's profile(s) into a file shared by every work dir
# (cached until a pom changes) and prints it.
classpath() {
  local profile="$1" file="$ROOT/work/.classpath/${1//,/-}.txt"
  if [ ! -s "$file" ] || [ "$ROOT/pom.xml" -nt "$file" ] || [ "$ROOT/deploy/pom.xml" -nt "$file" ]; then
    echo "$PROG: resolving the $profile classpath with Maven (first time downloads jars)..." >&2
    mkdir -p "$(dirname "$file")"
    mvn -B -q -Dstyle.color=never -f "$ROOT/deploy/pom.xml" -P "$profile" dependency:build-classpath \
        -Dmdep.outputFile="$file.tmp" >&2 \
      || die "could not resolve the $profile classpath; run 'mvn -f deploy/pom.xml -P $profile dependency:build-classpath' to see why"
    mv "$file.tmp" "$file"
  fi
  cat "$file"
}

# alive PIDFILE: true if the pid file names a running process.
alive() {
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# stop_pid NAME PIDFILE [TIMEOUT_S]: SIGTERM, wait, SIGKILL as a last resort; removes the pid file.
stop_pid() {
  local name="$1" pidfile="$2" timeout="${3:-30}" pid i
  if ! alive "$pidfile"; then
    rm -f "$pidfile"
    echo "$name: not running"
    return 0
  fi
  pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$name: pid $pid did not stop within ${timeout}s of SIGTERM; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pidfile"
  echo "$name: stopped (pid $pid)"
}

# port_open PORT: true if something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port BASE: the first port from BASE upwards (step 10) that nothing listens on, so a test run
# does not collide with a broker or cluster someone else left running.
free_port() {
  local p="$1"
  while port_open "$p"; do p=$(( p + 10 )); done
  echo "$p"
}

# check_port_free NAME PORT
check_port_free() {
  if port_open "$2"; then
    die "port $2 ($1) on 127.0.0.1 is already in use; stop whatever holds it or pass another port"
  fi
}

# wait_for DESCRIPTION TIMEOUT_S PIDFILE LOGFILE COMMAND...: polls COMMAND until it succeeds;
# fails early (showing the log's tail) if the process dies.
wait_for() {
  local what="$1" timeout="$2" pidfile="$3" log="$4" deadline
  shift 4
  deadline=$(( $(date +%s) + timeout ))
  until "$@"; do
    if ! alive "$pidfile"; then
      echo "$PROG: $what: the process exited; last lines of $log:" >&2
      tail -n 30 "$log" >&2 || true
      rm -f "$pidfile"
      exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "$PROG: $what: not ready within ${timeout}s; see $log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# failure_digest REST JOB_ID LOG_DIR: on a failed run, what CI output needs to explain it (the logs
# stay on the machine): the job's latest exceptions from REST and the distinct failure causes in the
# cluster logs, counted. Call it before the cluster is stopped. Prints to stderr; never fails.
failure_digest() {
  local rest="$1" job="$2" logs="$3"
  {
    echo "---- $PROG: failure digest ----"
    if [ -n "$job" ]; then
      echo "job $job: $(curl -sf --max-time 5 "$rest/jobs/$job" | grep -o '"state":"[A-Z]*"' | head -1)" \
        "restarts $(curl -sf --max-time 5 "$rest/jobs/$job/metrics?get=numRestarts" | grep -o '"value":"[0-9]*"' | grep -o '[0-9]*')"
      echo "latest exceptions (REST /jobs/$job/exceptions):"
      curl -sf --max-time 10 "$rest/jobs/$job/exceptions?maxExceptions=5" \
        | grep -o '"stacktrace":"[^"]\{0,400\}' | sed 's/^"stacktrace":"//; s/\\n\\tat .*//; s/\\n/ | /g' | head -n 5
    fi
    echo "failure causes in $logs (count, first line):"
    grep -h -E "switched from [A-Z]+ to FAILED|^[a-zA-Z.]+(Exception|Error):|^Caused by:" "$logs"/*.log 2>/dev/null \
      | sed -E 's/^[0-9-]+ [0-9:,]+ +//; s/\([0-9a-f_]{20,}\)//g; s/[0-9a-f]{32}//g' | cut -c1-300 \
      | sort | uniq -c | sort -rn | head -n 25
    echo "---- end of digest ----"
  } >&2 2>/dev/null || true
}
