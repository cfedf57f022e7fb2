#!/usr/bin/env bash
# Black-box freshness: the run command's service (embedded, durable), a steady load published with kcat,
# and every PROBE_EVERY seconds one probe record for an account of its own, timed from its publish until
# the balance, the authorize answer, the entries and the usage roll-up show it (bench/freshness.py).
# Exits non-zero when a probe is never seen or the load is not all charged within DRAIN_TIMEOUT.
#
#   bench/freshness.sh                              # 5,000 records/s over 2,000 accounts: 30 s, then 60 s probed
#   RATE=10000 ACCOUNTS=100 SECONDS_=60 bench/freshness.sh
#
# The probes start after WARMUP (30) seconds of load: a fresh JVM compiles for its first minute.
# Other knobs: PROBE_EVERY (2 s), POLL (0.1 s), DRAIN_TIMEOUT (300 s), JAVA_OPTS, KEEP_DATA=1.
set -euo pipefail

RATE=${RATE:-5000}
ACCOUNTS=${ACCOUNTS:-2000}
SECONDS_=${SECONDS_:-60}
WARMUP=${WARMUP:-30}
PROBE_EVERY=${PROBE_EVERY:-2}
POLL=${POLL:-0.1}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-300}

source "$(dirname "${BASH_SOURCE[0]}")/service.sh"

python3 "$ROOT/bench/freshness.py" --port "$HTTP_PORT" --token "$TOKEN" --run "$RUN" --accounts "$ACCOUNTS" \
  --rate "$RATE" --seconds "$SECONDS_" --warmup "$WARMUP" --probe-every "$PROBE_EVERY" --poll "$POLL" --drain-timeout "$DRAIN_TIMEOUT" ${VERBOSE:+--verbose} --service-pid "$SERVICE_PID"
