#!/usr/bin/env python3
"""The HTTP and Kafka side of bench/freshness.sh: how long after a record is published a customer sees it.

A steady load of token-usage records over many accounts goes to kcat at a fixed rate; every PROBE_EVERY
seconds one probe record for an account of its own (opened and funded with 10.00, the smallest top-up, before the clock) goes
into the same stream, costing more than the account holds. From its publish, each view is polled until it
shows the probe:
  balance    GET /api/v1/accounts/{id}: the balance is below the funding
  authorize  GET /api/v1/authorize: no longer allowed (the account is at zero)
  entries    GET /api/v1/accounts/{id}/entries: the usage entry is listed
  usage      GET /api/v1/accounts/{id}/usage: the roll-up counts the record
The load's records are generated before the clock starts, so that Python takes no CPU from the service
while it is measured.
"""
import argparse
import concurrent.futures as futures
import datetime
import collections
import json
import math
import os
import re
import random
import subprocess
import sys
import threading
import time
from decimal import Decimal

from black_box import MODELS, TOP_UP, Api, cost

VIEWS = ("balance", "authorize", "entries", "usage")
PROBE_FUNDS = Decimal("10.00")  # the smallest top-up


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def open_and_fund(api, run, account, amount):
    api.call("POST", "/api/v1/accounts", {"accountId": account, "name": account, "billingMode": "prepaid",
                                          "currency": "USD"}, accept=(201,))
    api.call("POST", f"/api/v1/accounts/{account}/top-ups", {"amount": str(amount)},
             {"Idempotency-Key": f"{run}-{account}"}, accept=(201,))


def visible(api, view, account):
    if view == "balance":
        status, data = api.call("GET", "/api/v1/accounts/" + account, accept=(200, 404))
        return status == 200 and Decimal(json.loads(data)["balance"]) < PROBE_FUNDS
    if view == "authorize":
        return not api.json("GET", "/api/v1/authorize?accountId=" + account)["allowed"]
    if view == "entries":
        return len(api.json("GET", f"/api/v1/accounts/{account}/entries?limit=5")["entries"]) >= 2
    return int(api.json("GET", f"/api/v1/accounts/{account}/usage")["totals"]["records"]) >= 1


def cpu_ticks(service_pid):
    """CPU ticks so far: per process name on the machine, and per thread role (digits dropped) of the service."""
    machine, service = collections.Counter(), collections.Counter()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = open(f"/proc/{pid}/stat").read()
            fields = stat.rsplit(")", 1)[1].split()
            machine[stat[stat.index("(") + 1:stat.rindex(")")]] += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    for task in os.listdir(f"/proc/{service_pid}/task"):
        try:
            name = re.sub(r"[0-9]+", "#", open(f"/proc/{service_pid}/task/{task}/comm").read().strip())
            fields = open(f"/proc/{service_pid}/task/{task}/stat").read().rsplit(")", 1)[1].split()
            service[name] += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return machine, service


def ingest_counters(api):
    text = api.call("GET", "/actuator/prometheus")[1].decode()
    wanted = ("ledger_ingest_batch_size_count", "ledger_ingest_batch_size_sum", "ledger_ingest_batch_time_seconds_sum")
    return {line.split(" ")[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.split(" ")[0] in wanted}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--accounts", type=int, default=2000)
    p.add_argument("--rate", type=int, default=5000)
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--probe-every", type=float, default=2.0)
    p.add_argument("--poll", type=float, default=0.1)
    p.add_argument("--run", default="fresh")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--service-pid", type=int)
    p.add_argument("--drain-timeout", type=float, default=300)
    a = p.parse_args()
    api = Api(a.port, a.token)
    rng = random.Random(a.seed)

    catalog = api.json("GET", "/api/v1/prices")
    prices = {t["model"]: {k: None if t.get(k) is None else Decimal(t[k]) for k in ("input", "cachedInput", "output")}
              for t in catalog["tokens"] if t["provider"] == "deepinfra"}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def record(event_id, account, model, input_tokens, output_tokens):
        r = {"eventId": event_id, "kind": "tokens", "accountId": account, "occurredAt": now, "source": "freshness",
             "model": model, "provider": "deepinfra", "inputTokens": input_tokens, "cachedInputTokens": 0,
             "outputTokens": output_tokens}
        return f"{account}|{json.dumps(r, separators=(',', ':'))}\n".encode()

    total = a.rate * (a.warmup + a.seconds)
    load = [record(f"{a.run}-{n}", f"load-{rng.randrange(a.accounts)}", MODELS[n % len(MODELS)],
                   rng.randint(100, 8000), rng.randint(10, 1500)) for n in range(total)]
    # A probe costs about twice its account's funding: the balance goes below zero, authorize refuses.
    dearest = max(MODELS, key=lambda m: prices[m]["output"])
    probe_tokens = int(2 * PROBE_FUNDS * 1_000_000 / prices[dearest]["output"]) + 1
    probes = int(a.seconds / a.probe_every)

    started = time.time()
    with futures.ThreadPoolExecutor(a.threads) as pool:
        list(pool.map(lambda i: open_and_fund(api, a.run, f"load-{i}", TOP_UP), range(a.accounts)))
        list(pool.map(lambda i: open_and_fund(api, a.run, f"probe-{a.run}-{i}", PROBE_FUNDS), range(probes)))
    deadline = time.time() + 120
    while any(not api.call("GET", f"/api/v1/accounts/probe-{a.run}-{i}", accept=(200, 404))[0] == 200 for i in (0, probes - 1)):
        if time.time() > deadline:
            raise SystemExit("the opened accounts are not visible after 120 s")
        time.sleep(0.2)
    time.sleep(2)  # the funding settled in every view before the clock starts
    print(f"{a.accounts} load accounts and {probes} probe accounts opened and funded in {time.time() - started:.1f} s; "
          f"{total:,} records of load ready; a probe is {probe_tokens:,} output tokens of {dearest}", flush=True)

    kcat = subprocess.Popen(["kcat", "-P", "-b", "localhost:9092", "-t", "usage.events", "-K", "|", "-X", "linger.ms=5",
                             "-X", "queue.buffering.max.messages=1000000"], stdin=subprocess.PIPE)
    pipe_lock = threading.Lock()
    seen = {view: [] for view in VIEWS}
    misses = []
    charged_before = api.charged()

    def publish(lines):
        with pipe_lock:
            kcat.stdin.write(b"".join(lines))
            kcat.stdin.flush()

    in_flight = []  # [account, published, views not seen yet]
    in_flight_lock = threading.Lock()
    asking = {view: [] for view in VIEWS}
    publishing = threading.Event()

    def watch():
        # One thread polls every probe in flight, one request at a time: the polling costs the service a
        # bounded share of the CPU it is measured on, however far behind it falls.
        while publishing.is_set() or in_flight:
            began = time.time()
            with in_flight_lock:
                probes_now = list(in_flight)
            for entry in probes_now:
                account, published, pending = entry
                for view in list(pending):
                    asked = time.time()
                    shown = visible(api, view, account)
                    answered = time.time()
                    asking[view].append(answered - asked)
                    if shown:
                        # When the request was sent: the view showed the record by then at the latest.
                        seen[view].append(asked - published)
                        if view == "balance" and a.verbose:
                            print(f"  probe published at +{published - t0:5.1f} s: balance after {seen[view][-1]:.2f} s", flush=True)
                        pending.discard(view)
                if not pending or time.time() - published > 60:
                    if pending:
                        misses.append((account, sorted(pending)))
                    with in_flight_lock:
                        in_flight.remove(entry)
            time.sleep(max(0.0, a.poll - (time.time() - began)))

    t0 = time.time()
    publishing.set()
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    # The first seconds of load warm the JVM's compiler up (a service in production is warm); probes follow.
    sent, next_probe, probe = 0, t0 + a.warmup + a.probe_every / 2, 0
    while sent < total:
        now_s = time.time()
        due = min(total, int((now_s - t0) * a.rate))
        if due > sent:
            publish(load[sent:due])
            sent = due
        if probe == 0 and now_s >= next_probe and a.service_pid:
            window = (time.time(), cpu_ticks(a.service_pid), ingest_counters(api), sent)
        if now_s >= next_probe and probe < probes:
            account = f"probe-{a.run}-{probe}"
            publish([record(f"{a.run}-probe-{probe}", account, dearest, 100, probe_tokens)])
            with in_flight_lock:
                in_flight.append([account, time.time(), set(VIEWS)])
            probe, next_probe = probe + 1, next_probe + a.probe_every
        time.sleep(0.01)
    t1 = time.time()
    kcat.stdin.close()
    kcat.wait()
    expected = charged_before + total + probe
    drained = None
    while time.time() - t1 < a.drain_timeout:
        if api.charged() >= expected:
            drained = time.time()
            break
        time.sleep(0.1)
    publishing.clear()
    watcher.join()
    if a.service_pid and drained:
        ended = (drained, cpu_ticks(a.service_pid), ingest_counters(api), total + probe)

    print()
    print(f"load                  {total:,} records over {a.accounts:,} accounts in {t1 - t0:.1f} s "
          f"({total / (t1 - t0):,.0f} records/s offered), {probe} probes after {a.warmup} s of warm-up")
    print("all charged           " + (f"{drained - t1:.2f} s after the last record was published" if drained
                                      else f"NOT within {a.drain_timeout:.0f} s"))
    print("publish -> visible    p50      p99      max      (seconds, per probe)")
    if a.service_pid and drained:
        where_the_time_went(window, ended)
    ok = drained is not None and not misses
    for view in VIEWS:
        values = seen[view]
        if values:
            print(f"  {view:<19} {quantile(values, 0.5):6.2f}   {quantile(values, 0.99):6.2f}   {max(values):6.2f}   "
                  f"({len(values)} probes; a request took {quantile(asking[view], 0.5) * 1000:.0f} ms median, "
                  f"{quantile(asking[view], 0.99) * 1000:.0f} ms p99)")
    for account, views in misses:
        print(f"MISSED: {account} not visible in {', '.join(views)} after 60 s")
    print("RESULT " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


def where_the_time_went(start, end):
    """The probed window's CPU, per record published in it, and the ingest's batches."""
    seconds, records = end[0] - start[0], end[3] - start[3]
    hz = os.sysconf("SC_CLK_TCK")
    machine, service = end[1][0] - start[1][0], end[1][1] - start[1][1]
    per_record = lambda ticks: ticks / hz / records * 1e6
    print(f"CPU in the probed window ({seconds:.0f} s, {records:,} records; this machine has {os.cpu_count()} cores):")
    print(f"  machine {sum(machine.values()) / hz / seconds * 100:5.0f}%  {per_record(sum(machine.values())):7.1f} µs/record")
    for name, ticks in machine.most_common(5):
        print(f"    {name:<24} {ticks / hz / seconds * 100:5.0f}%  {per_record(ticks):7.1f} µs/record")
    print("  the service's threads:")
    for name, ticks in service.most_common(8):
        print(f"    {name:<24} {ticks / hz / seconds * 100:5.0f}%  {per_record(ticks):7.1f} µs/record")
    c0, c1 = start[2], end[2]
    batches = c1["ledger_ingest_batch_size_count"] - c0["ledger_ingest_batch_size_count"]
    if batches:
        size = (c1["ledger_ingest_batch_size_sum"] - c0["ledger_ingest_batch_size_sum"]) / batches
        took = (c1["ledger_ingest_batch_time_seconds_sum"] - c0["ledger_ingest_batch_time_seconds_sum"]) / batches
        print(f"  ingest: {batches:,.0f} batches of {size:,.0f} records on average, charged in {took * 1000:,.0f} ms each")


if __name__ == "__main__":
    sys.exit(main())
