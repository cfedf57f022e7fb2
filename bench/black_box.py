#!/usr/bin/env python3
"""The HTTP side of bench/black-box.sh: only the public API, as a customer would use it.

  prepare  reads the price list, writes the records file and the expected balances, opens and funds
           the accounts, and waits until every funding is visible (so the clock measures usage only)
  watch    samples the charged counter every second and polls balances until each is exact

Expected costs are computed here from GET /api/v1/prices with exact decimals, independently of the
service's rating, and cross-checked once per model against POST /api/v1/quote so that a
disagreement is caught before anything is published.
"""
import argparse
import concurrent.futures as futures
import datetime
import http.client
import json
import random
import sys
import threading
import time
from decimal import Decimal

MILLION = Decimal(1_000_000)
TOP_UP = Decimal(5000)  # the largest top-up credited without review (above it: held, HTTP 202)
# The five models of the in-repo benchmark (UsageWorkload), and one with its own cached-input price.
MODELS = ["meta-llama/Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
          "deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "deepseek-ai/DeepSeek-V3",
          "deepseek-ai/DeepSeek-V3.2"]


class Api:
    """One keep-alive connection per thread: thousands of short calls, no connection set-up each."""

    def __init__(self, port, token):
        self.port, self.token, self.local = port, token, threading.local()

    def call(self, method, path, body=None, headers=None, accept=(200,)):
        for attempt in range(3):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            h = {"Authorization": "Bearer " + self.token}
            if body is not None:
                h["Content-Type"] = "application/json"
            h.update(headers or {})
            try:
                conn.request(method, path, None if body is None else json.dumps(body), h)
                resp = conn.getresponse()
                data = resp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
                continue
            if resp.status not in accept:
                raise RuntimeError(f"{method} {path} -> {resp.status}: {data[:500]!r}")
            return resp.status, data
        raise AssertionError("unreachable")

    def json(self, method, path, body=None, headers=None, accept=(200,)):
        return json.loads(self.call(method, path, body, headers, accept)[1])

    def balance(self, account):
        """None while the account view has not projected the opening yet (a 404)."""
        status, data = self.call("GET", "/api/v1/accounts/" + account, accept=(200, 404))
        return Decimal(json.loads(data)["balance"]) if status == 200 else None

    def charged(self):
        text = self.call("GET", "/actuator/prometheus")[1].decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("ledger_ingest_records_total{") and 'outcome="charged"' in line)


def cost(prices, record):
    p = prices[record["model"]]
    cached = p["cachedInput"] if p["cachedInput"] is not None else p["input"]
    return (record["inputTokens"] * p["input"] + record["cachedInputTokens"] * cached
            + record["outputTokens"] * p["output"]) / MILLION


def zipf_picker(rng, accounts):
    cumulative, total = [], 0.0
    for rank in range(1, accounts + 1):
        total += 1 / rank
        cumulative.append(total)
    population = range(accounts)
    return lambda: rng.choices(population, cum_weights=cumulative, k=1)[0]


def prepare(a):
    api = Api(a.port, a.token)
    catalog = api.json("GET", "/api/v1/prices")
    prices = {t["model"]: {k: None if t.get(k) is None else Decimal(t[k]) for k in ("input", "cachedInput", "output")}
              for t in catalog["tokens"] if t["provider"] == "deepinfra"}
    missing = [m for m in MODELS if m not in prices]
    if missing:
        raise SystemExit(f"models not in catalog version {catalog['version']}: {missing}")

    rng = random.Random(a.seed)
    if a.workload == "uniform":
        pick = lambda: rng.randrange(a.accounts)
    elif a.workload == "zipf":
        pick = zipf_picker(rng, a.accounts)
    else:
        raise SystemExit(f"unknown WORKLOAD={a.workload} (uniform or zipf)")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    spent = [Decimal(0)] * a.accounts

    def record(n, account):
        model = MODELS[n % len(MODELS)]
        return {"eventId": f"{a.run}-{n}", "kind": "tokens", "accountId": account, "occurredAt": now,
                "source": "black-box", "model": model, "provider": "deepinfra",
                "inputTokens": rng.randint(100, 8000),
                "cachedInputTokens": rng.randint(0, 4000) if n % 3 == 0 else 0,
                "outputTokens": rng.randint(10, 1500)}

    # The service's own quote must agree with this arithmetic before the run means anything.
    for n in range(len(MODELS)):
        sample = record(n, "acct-0")
        quoted = Decimal(api.json("POST", "/api/v1/quote", sample)["cost"])
        if quoted != cost(prices, sample):
            raise SystemExit(f"quote {quoted} != computed {cost(prices, sample)} for {sample}")

    with open(a.records, "w") as out:
        for n in range(a.total):
            i = pick()
            r = record(n, f"acct-{i}")
            spent[i] += cost(prices, r)
            out.write(f"{r['accountId']}|{json.dumps(r, separators=(',', ':'))}\n")

    funds = [TOP_UP * (int(s // TOP_UP) + 1) for s in spent]  # stays positive: no suspension, no recharge
    expected = {f"acct-{i}": str(funds[i] - spent[i]) for i in range(a.accounts)}
    with open(a.expected, "w") as out:
        json.dump(expected, out)

    def open_and_fund(i):
        account = f"acct-{i}"
        api.call("POST", "/api/v1/accounts", {"accountId": account, "name": f"Black box {i}",
                                              "billingMode": "prepaid", "currency": "USD"}, accept=(201,))
        for k in range(int(funds[i] // TOP_UP)):
            api.call("POST", f"/api/v1/accounts/{account}/top-ups", {"amount": f"{TOP_UP}.00"},
                     {"Idempotency-Key": f"{a.run}-{account}-{k}"}, accept=(201,))
        return account

    started = time.time()
    # More writers than pollers: each top-up waits for its own commit, and commits share an fsync.
    with futures.ThreadPoolExecutor(2 * a.threads) as pool:
        list(pool.map(open_and_fund, range(a.accounts)))
    opened = time.time()
    pending = {f"acct-{i}": funds[i] for i in range(a.accounts)}
    while pending:
        with futures.ThreadPoolExecutor(a.threads) as pool:
            seen = dict(zip(pending, pool.map(api.balance, list(pending))))
        pending = {k: v for k, v in pending.items() if seen[k] != v}
        if pending:
            if time.time() - opened > a.timeout:
                raise SystemExit(f"funding not visible after {a.timeout} s on {len(pending)} accounts")
            time.sleep(0.2)
    print(f"catalog version {catalog['version']}; {a.accounts} accounts opened and funded in "
          f"{opened - started:.1f} s, visible {time.time() - opened:.1f} s later; {a.total} records written; total cost {sum(spent)} USD")


def watch(a):
    api = Api(a.port, a.token)
    expected = {k: Decimal(v) for k, v in json.load(open(a.expected)).items()}
    pending, exact_at, wrong = dict(expected), {}, {}
    samples, stop = [], threading.Event()
    lock = threading.Lock()

    def sample():
        last = None
        while not stop.is_set():
            t = time.time()
            try:
                c = api.charged()
            except Exception as e:  # a missed sample is not a failed run
                print(f"  metric sample failed: {e}", file=sys.stderr)
                c = None
            if c is not None:
                with lock:
                    done = len(exact_at)
                rate = "" if last is None else f"{(c - last[1]) / (t - last[0]):>9,.0f}/s"
                print(f"  +{t - a.t0:6.1f} s  charged {c:>10,.0f}  {rate:>11}  balances exact {done:>6}/{len(expected)}",
                      flush=True)
                samples.append((t, c))
                last = (t, c)
            stop.wait(max(0.0, 1 - (time.time() - t)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    def look(account):
        b = api.balance(account)
        return account, b, time.time()

    deadline = a.t0 + a.timeout
    cursor, rounds = 0, []
    with futures.ThreadPoolExecutor(a.threads) as pool:
        while pending and time.time() < deadline:
            # While records are still being charged, look at a bounded slice of the accounts each round,
            # so that the polling does not take the CPU the service is measured on.
            keys = list(pending)
            all_charged = samples and samples[-1][1] >= a.total
            if not all_charged and len(keys) > a.slice:
                keys = (keys[cursor:] + keys[:cursor])[:a.slice]
                cursor = (cursor + a.slice) % max(1, len(pending))
            began = time.time()
            for account, b, t in pool.map(look, keys):
                want = expected[account]
                if b == want:
                    with lock:
                        exact_at[account] = t
                    pending.pop(account)
                elif b is None:  # opened and funded before the clock started: gone is a failure
                    wrong[account] = b
                    pending.pop(account)
                elif b < want:  # every cost is positive: below the expected balance is an overcharge
                    wrong[account] = b
                    pending.pop(account)
            rounds.append(time.time() - began)
            if wrong:
                break
            time.sleep(max(0.0, a.interval - (time.time() - began)))
    stop.set()
    sampler.join()

    # A second full pass: an account may not move after it was exact (a late duplicate would).
    with futures.ThreadPoolExecutor(a.threads) as pool:
        for account, b, _ in pool.map(look, list(expected)):
            if b != expected[account] and account not in pending:
                wrong[account] = b
    charged = api.charged()
    reconciliation = api.json("GET", "/api/v1/audit/reconciliation")

    print()
    print(f"records               {a.total:,}")
    print(f"accounts              {len(expected):,}")
    ok = not pending and not wrong and charged == a.total and not reconciliation["mismatches"]
    if exact_at:
        seconds = max(exact_at.values()) - a.t0
        print(f"first publish -> last balance exact   {seconds:.2f} s")
        print(f"throughput            {a.total / seconds:,.0f} records/s  (end to end, balances visible)")
    if samples:
        first = next((t for t, c in samples if c > 0), None)
        full = next((t for t, c in samples if c >= a.total), None)
        if first and full:
            print(f"charged counter       0 -> {a.total:,} between +{first - a.t0:.1f} s and +{full - a.t0:.1f} s (1 s samples)")
    if rounds:
        print(f"balance poll round    median {sorted(rounds)[len(rounds) // 2] * 1000:.0f} ms (the resolution of the end time)")
    print(f"charged (metric)      {charged:,.0f}")
    print(f"reconciliation        {reconciliation['accountsChecked']} accounts, {len(reconciliation['mismatches'])} mismatches")
    if pending:
        print(f"TIMEOUT: {len(pending)} balances not exact after {a.timeout} s, e.g. "
              + ", ".join(f"{k} {api.balance(k)} != {v}" for k, v in list(pending.items())[:5]))
    for k, v in list(wrong.items())[:10]:
        print(f"WRONG: {k} balance {v}, expected {expected[k]}")
    print("RESULT " + ("OK: every balance exact" if ok else "FAILED"))
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["prepare", "watch"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--accounts", type=int, default=100)
    p.add_argument("--total", type=int, default=200_000)
    p.add_argument("--workload", default="uniform")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--run", default="bb")
    p.add_argument("--records")
    p.add_argument("--expected", required=True)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--interval", type=float, default=0.5)
    p.add_argument("--slice", type=int, default=500)
    p.add_argument("--t0", type=float)
    a = p.parse_args()
    if a.mode == "prepare":
        prepare(a)
        return 0
    return watch(a)


if __name__ == "__main__":
    sys.exit(main())
