#!/usr/bin/env bash
# The ACLs of a cluster with an authorizer: who may write which topic of the contract. Run as a
# cluster admin (ADMIN_CONFIG: a client properties file with the admin's SASL/TLS settings).
#   LEDGER_PRINCIPAL=User:ledger PUBLISHERS="User:gateway User:gpu-cluster" deploy/kafka/acls.sh
set -euo pipefail
BOOTSTRAP=${LEDGER_KAFKA_BOOTSTRAP:?set LEDGER_KAFKA_BOOTSTRAP}
LEDGER=${LEDGER_PRINCIPAL:?set LEDGER_PRINCIPAL, e.g. User:ledger}
PUBLISHERS=${PUBLISHERS:?set PUBLISHERS, the gateways and clusters that publish usage, e.g. "User:gateway User:gpu-cluster"}
acl() { kafka-acls.sh --bootstrap-server "$BOOTSTRAP" ${ADMIN_CONFIG:+--command-config "$ADMIN_CONFIG"} --add "$@"; }

# Only the gateways and clusters produce usage; the ledger only reads it, as the group ledger-ingest.
for p in $PUBLISHERS; do
  acl --allow-principal "$p" --operation Write --operation Describe --topic usage.events
done
acl --allow-principal "$LEDGER" --operation Read --operation Describe --topic usage.events
acl --allow-principal "$LEDGER" --operation Read --group ledger-ingest

# Only the ledger writes its dead letters, its notifications and the notifications' position (which it
# also reads back, by partition, with a throw-away group id), in transactions of its one transactional id.
for t in usage.events.dlq billing.notifications billing.notifications.positions; do
  acl --allow-principal "$LEDGER" --operation Write --operation Describe --operation Create --topic "$t"
done
acl --allow-principal "$LEDGER" --operation Create --topic usage.events
acl --allow-principal "$LEDGER" --operation Read --topic billing.notifications.positions
acl --allow-principal "$LEDGER" --operation Read --resource-pattern-type prefixed --group ledger-notification-positions-
acl --allow-principal "$LEDGER" --operation Write --operation Describe --transactional-id ledger-notifications
