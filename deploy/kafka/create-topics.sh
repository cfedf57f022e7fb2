#!/usr/bin/env bash
# Creates the contract's topics on a managed cluster. The service also creates missing topics at
# start-up, but with replication factor 1; production wants this script's settings.
set -euo pipefail
BOOTSTRAP=${LEDGER_KAFKA_BOOTSTRAP:?set LEDGER_KAFKA_BOOTSTRAP}
PARTITIONS=${PARTITIONS:-24}
REPLICATION=${REPLICATION:-3}
for topic in usage.events usage.events.dlq billing.notifications; do
  kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$topic" \
    --partitions "$PARTITIONS" --replication-factor "$REPLICATION" --config min.insync.replicas=2
done
# The notifications publisher's position, written in the same transaction as each batch it tells.
kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic billing.notifications.positions \
  --partitions 1 --replication-factor "$REPLICATION" --config min.insync.replicas=2 --config cleanup.policy=compact
# Dead letters are evidence: keep them.
kafka-configs.sh --bootstrap-server "$BOOTSTRAP" --alter --entity-type topics --entity-name usage.events.dlq \
  --add-config retention.ms=-1
