# Sourced by the black-box scripts: builds the jar when a source is newer, starts it with its embedded
# defaults on a fresh data directory (a known admin token, a free HTTP port), waits until it is ready,
# and stops it with SIGTERM on exit. Sets ROOT, JAR, WORK, HTTP_PORT, TOKEN, RUN and SERVICE_PID.
START_TIMEOUT=${START_TIMEOUT:-240}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/ledger-service/target/ledger-service.jar
cd "$ROOT"

for tool in java kcat curl python3 flock; do
  command -v "$tool" >/dev/null || { echo "black-box: $tool is required" >&2; exit 2; }
done

# The embedded mode's ports are fixed; a second instance (or a test's broker) there would be measured instead.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in 9092 54329; do
  if port_busy "$p"; then echo "black-box: localhost:$p is in use; the embedded service needs it" >&2; exit 2; fi
done

# Build when the jar is missing or any source or pom is newer. Maven is serialized machine-wide.
if [[ ! -f $JAR ]] || [[ -n $(find . -path ./bench -prune -o \( -path '*/src/*' -o -name pom.xml \) -newer "$JAR" -type f -print -quit) ]]; then
  echo "building $JAR"
  flock /tmp/mvn.lock ./mvnw -B -q -o -DskipTests package \
    || flock /tmp/mvn.lock ./mvnw -B -q -DskipTests package
fi

WORK=$(mktemp -d /tmp/ledger-black-box.XXXXXX)
HTTP_PORT=${HTTP_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
TOKEN=${TOKEN:-bb_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
RUN=bb-$(date +%s)
SERVICE_PID=

stop_service() {
  [[ -n $SERVICE_PID ]] && kill -0 "$SERVICE_PID" 2>/dev/null || return 0
  local began=$SECONDS
  kill -TERM "$SERVICE_PID"
  for _ in $(seq 1 60); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 1; done
  if kill -0 "$SERVICE_PID" 2>/dev/null; then
    echo "black-box: service still running 60 s after SIGTERM; killing it" >&2
    kill -KILL "$SERVICE_PID"
  fi
  wait "$SERVICE_PID" 2>/dev/null || true
  echo "service stopped in $(( SECONDS - began )) s"
  SERVICE_PID=
}
cleanup() {
  local rc=$?
  stop_service
  if [[ $rc -ne 0 && -f $WORK/service.log ]]; then
    echo "--- last lines of the service log ---" >&2
    tail -n 20 "$WORK/service.log" >&2
  fi
  if [[ ${KEEP_DATA:-0} == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "starting the service on :$HTTP_PORT, data in $WORK/data"
env -u LEDGER_DB_URL -u LEDGER_KAFKA_BOOTSTRAP \
  LEDGER_DATA_DIR="$WORK/data" LEDGER_ADMIN_TOKEN="$TOKEN" LEDGER_HTTP_PORT="$HTTP_PORT" \
  java ${JAVA_OPTS:-} -jar "$JAR" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!

started=$(date +%s)
until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/actuator/health/readiness") == 200 ]]; do
  kill -0 "$SERVICE_PID" 2>/dev/null || { echo "black-box: the service exited during start" >&2; exit 1; }
  (( $(date +%s) - started < START_TIMEOUT )) || { echo "black-box: not ready after $START_TIMEOUT s" >&2; exit 1; }
  sleep 0.5
done
echo "ready after $(( $(date +%s) - started )) s"
