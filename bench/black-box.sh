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
# 1. and 2. Build when needed, start with the embedded defaults (bench/service.sh).
source "$(dirname "${BASH_SOURCE[0]}")/service.sh"
HELPER=$ROOT/bench/black_box.py

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
