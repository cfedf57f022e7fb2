#!/usr/bin/env bash
# Black-box ingest benchmark: the product measured as a new user would run it. Builds the jar (the
# README's command), starts it with its embedded defaults (embedded PostgreSQL, in-process Kafka on
# localhost:9092) on a fresh data directory, opens and funds ACCOUNTS prepaid accounts over HTTP,
# publishes RECORDS token-usage records with kcat in one go, and polls the public API until every
# balance equals the one computed here from the published price list. Exits non-zero on any wrong
# balance, a charged count other than RECORDS, a reconciliation mismatch, a dead letter, usage.charged
# receipts other than one per record, or TIMEOUT.
#
#   bench/black-box.sh                                  # 200,000 records, 100 accounts, uniform
#   RECORDS=20000 ACCOUNTS=100 bench/black-box.sh
#   WORKLOAD=zipf ACCOUNTS=10000 bench/black-box.sh     # a few hot accounts, a long tail
#
# Other knobs: TIMEOUT (600 s from the first record published), SEED (7), HTTP_PORT (a free one),
# POLL_THREADS (4), JAVA_OPTS, KEEP_DATA=1 (keep the temp dir with the service's log).
set -euo pipefail

RECORDS=${RECORDS:-200000}
ACCOUNTS=${ACCOUNTS:-100}
WORKLOAD=${WORKLOAD:-uniform}
TIMEOUT=${TIMEOUT:-600}
SEED=${SEED:-7}
POLL_THREADS=${POLL_THREADS:-4}
START_TIMEOUT=${START_TIMEOUT:-240}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/ledger-service/target/ledger-service.jar
HELPER=$ROOT/bench/black_box.py
cd "$ROOT"

for tool in java kcat curl python3 flock; do
  command -v "$tool" >/dev/null || { echo "black-box: $tool is required" >&2; exit 2; }
done

# The embedded mode's ports are fixed; a second instance (or a test's broker) there would be measured instead.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in 9092 54329; do
  if port_busy "$p"; then echo "black-box: localhost:$p is in use; the embedded service needs it" >&2; exit 2; fi
done

# 1. Build when the jar is missing or any source or pom is newer. Maven is serialized machine-wide.
if [[ ! -f $JAR ]] || [[ -n $(find . -path ./bench -prune -o \( -path '*/src/*' -o -name pom.xml \) -newer "$JAR" -type f -print -quit) ]]; then
  echo "building $JAR"
  flock /tmp/mvn.lock ./mvnw -B -q -o -DskipTests package \
    || flock /tmp/mvn.lock ./mvnw -B -q -DskipTests package
fi

# 2. Start it: embedded defaults, fresh data dir, a known admin token, a free HTTP port.
WORK=$(mktemp -d /tmp/ledger-black-box.XXXXXX)
HTTP_PORT=${HTTP_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
TOKEN=bb_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
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

# 3. and 4. Accounts, records and expected balances (all over the public API; see black_box.py).
common=(--port "$HTTP_PORT" --token "$TOKEN" --expected "$WORK/expected.json" --threads "$POLL_THREADS")
python3 "$HELPER" prepare "${common[@]}" --accounts "$ACCOUNTS" --total "$RECORDS" --workload "$WORKLOAD" \
  --seed "$SEED" --run "$RUN" --records "$WORK/records.txt" --timeout "$TIMEOUT"

# 5. and 6. Publish the whole file at once (on stdin: a file argument would be one message), the clock
# starting just before the producer does.
t0=$(date +%s.%N)
kcat -P -b localhost:9092 -t usage.events -K '|' -X compression.codec=lz4 -X linger.ms=5 \
  -X batch.num.messages=10000 -X queue.buffering.max.messages=1000000 <"$WORK/records.txt" &
KCAT_PID=$!
set +e
python3 "$HELPER" watch "${common[@]}" --total "$RECORDS" --timeout "$TIMEOUT" --t0 "$t0" &
WATCH_PID=$!
wait "$KCAT_PID"; kcat_rc=$?
t1=$(date +%s.%N)
echo "  kcat published $RECORDS records in $(echo "$t1 - $t0" | bc | xargs printf '%.2f') s (rc $kcat_rc)"
if [[ $kcat_rc -ne 0 ]]; then kill "$WATCH_PID" 2>/dev/null; fi  # nothing to wait for
wait "$WATCH_PID"; watch_rc=$?
set -e

# Nothing may have been dead-lettered: every record names a priced model and an opened account.
dlq=$(kcat -C -b localhost:9092 -t usage.events.dlq -o beginning -e -q -f 'x\n' 2>/dev/null | wc -l)
echo "dead letters          $dlq"

# Every charge is told exactly once on billing.notifications (read_committed); it trails the balances.
count_receipts() {
  kcat -C -b localhost:9092 -t billing.notifications -X isolation.level=read_committed -o beginning -e -q -f '%s\n' 2>/dev/null \
    | python3 -c 'import sys, json
ids = [json.loads(l)["details"]["usageEventId"] for l in sys.stdin if l.strip() and json.loads(l)["type"] == "usage.charged"]
print(len(ids), len(set(ids)))'
}
receipts_ok=1
if [[ $watch_rc -eq 0 ]]; then
  for _ in $(seq 1 60); do
    read -r told distinct < <(count_receipts)
    (( told >= RECORDS )) && break
    sleep 2
  done
  echo "usage.charged receipts $told ($distinct distinct) after +$(echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.1f') s"
  [[ $told -eq $RECORDS && $distinct -eq $RECORDS ]] || receipts_ok=0
fi

# 7. Clean stop (SIGTERM) in the trap; the verdict is the exit code.
[[ $kcat_rc -eq 0 && $watch_rc -eq 0 && $dlq -eq 0 && $receipts_ok -eq 1 ]]
