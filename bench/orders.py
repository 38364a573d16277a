"""Orders figures for `make bench`: checkouts per second, a seller's newest orders, `order(id)`.

- Checkout: 200 buyers, each in a loop for the run's length: add one in-stock variant (of
  10,000 SKUs) to their cart, then `checkout` through the router — which waits for the whole
  saga (stock reserved in products over Kafka, orders written, payment authorized and captured)
  — and, when it answers PROCESSING, ask `checkout(id)` until it settles. Completed checkouts
  per second over the whole run, latency from the mutation to COMPLETED. The CPU each process
  spent per completed checkout says what bounds the rate (the load driver shares the cores too).
- A seller's newest page of orders (`orders(filter: {scope: SALES}, first: 20)`) for a seller
  with 100,000 orders and one with 10: the ratio shows the keyset read does not grow with the
  seller's history.
- `order(id)` through the router, over 2,000 of those orders, as their seller.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import orjson

from bench.measure import LoadResult, cpu_seconds, load
from deploy.local.supergraph import Running
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.settings import Settings

PY_SPY = str(Path(sys.executable).parent / "py-spy")
BUYERS = 200
SKUS = 10_000
BIG, SMALL = 100_000, 10
ADD = (
    "mutation Add($v: ID!) { addToCart(variantId: $v, quantity: 1) { cart { version } userErrors { code } } }"
)
CHECKOUT = """mutation Checkout($input: CheckoutInput!) { checkout(input: $input) {
  checkout { id status failureCode grandTotal { amount } } userErrors { code } } }"""
NEWEST = (
    "query Sales { orders(filter: {scope: SALES}, first: 20) { nodes { id status grandTotal { amount } } } }"
)
BY_ID = "query Order($id: ID!) { order(id: $id) { id status items { sku quantity } grandTotal { amount } } }"
# Fixed, so the seeded histories are reused by the next run (the bench database is kept).
BIG_SELLER = uuid.UUID("019ad000-0000-7000-8000-00000000b16a")
SMALL_SELLER = uuid.UUID("019ad000-0000-7000-8000-0000000005a1")
ADDRESS = {
    "name": "Bench Buyer",
    "line1": "1 Load St",
    "city": "Berlin",
    "postalCode": "10115",
    "country": "DE",
}


@dataclass
class OrdersFigures:
    results: list[LoadResult] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


async def sellable_skus(settings: Settings) -> list[str]:
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        rows = await conn.fetch(
            "SELECT v.id FROM products.variants v JOIN products.products p ON p.id = v.product_id "
            "JOIN products.inventory i ON i.variant_id = v.id AND i.product_id = v.product_id "
            "WHERE p.status = 'ACTIVE' AND p.currency = 'USD' GROUP BY v.id "
            "HAVING sum(i.on_hand - i.reserved) >= 10 ORDER BY v.id DESC LIMIT $1",
            SKUS,
        )
    finally:
        await conn.close()
    return [str(r["id"]) for r in rows]


async def _seed_seller_orders(settings: Settings, seller: uuid.UUID, count: int) -> list[str]:
    """`count` paid orders of one seller, written as checkout would write them (both projections,
    items, keys), in one INSERT … SELECT per table. Returns their ids."""
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        kept = await conn.fetch(
            "SELECT id FROM orders.seller_orders WHERE seller_id = $1 ORDER BY created_at DESC, id DESC",
            seller,
        )
        if len(kept) == count:  # seeded by an earlier run (the bench database is kept)
            return [str(r["id"]) for r in kept]
        ids = [new_id() for _ in range(count)]
        buyers = [new_id() for _ in range(count)]
        line = (
            '[{"id": "%s", "variantId": "%s", "productId": "%s", "sku": "BENCH-1", "title": "Bench item", '
            '"quantity": 1, "unitPrice": 1999, "currency": "USD"}]'
        )
        address = (
            '{"name": "Bench", "line1": "1 St", "city": "Berlin", "postal_code": "10115", "country": "DE"}'
        )
        rows = [
            (
                b,
                seller,
                i,
                new_id(),
                "PAID",
                2,
                "USD",
                line % (new_id(), new_id(), new_id()),
                1,
                1999,
                500,
                2499,
                address,
            )
            for i, b in zip(ids, buyers, strict=True)
        ]
        columns = [
            "buyer_id",
            "seller_id",
            "id",
            "checkout_id",
            "status",
            "version",
            "currency",
            "lines",
            "item_count",
            "lines_total",
            "shipping_total",
            "grand_total",
            "shipping_address",
        ]
        for table in ("orders", "seller_orders"):
            await conn.copy_records_to_table(table, schema_name="orders", records=rows, columns=columns)
        await conn.copy_records_to_table(
            "order_keys",
            schema_name="orders",
            records=[(i, "ORDER", b, seller, i) for i, b in zip(ids, buyers, strict=True)],
            columns=["id", "kind", "buyer_id", "seller_id", "order_id"],
        )
        await conn.execute("ANALYZE orders.seller_orders")
    finally:
        await conn.close()
    return [str(i) for i in ids]


async def run_checkouts(router: str, tokens: list[str], skus: list[str], seconds: float) -> dict[str, Any]:
    """The buyers' loop. The driver is aiohttp: httpx cost this process ≈ 2 ms of CPU a request,
    a third of a core the subgraphs needed (the driver shares the machine's two cores)."""
    completed, failed, refused, errors = 0, 0, 0, 0
    why: Counter[str] = Counter()  # refusals and errors by code, for the report
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=BUYERS)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def post(body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
            async with session.post(router, data=orjson.dumps(body), headers=headers) as response:
                answer: dict[str, Any] = orjson.loads(await response.read())
                return answer

        async def buyer(index: int, token: str) -> None:
            nonlocal completed, failed, refused, errors
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            n = 0
            while time.monotonic() < deadline:
                n += 1
                variant = skus[(index * 7919 + n * 104729) % len(skus)]
                body: dict[str, Any] = {}
                try:
                    body = await post({"query": ADD, "variables": {"v": variant}}, headers)
                    version = body["data"]["addToCart"]["cart"]["version"]
                    started = time.monotonic()
                    request = {
                        "query": CHECKOUT,
                        "variables": {
                            "input": {
                                "shippingAddress": {"address": ADDRESS},
                                "idempotencyKey": f"bench-{index}-{n}-{uuid.uuid4().hex[:8]}",
                                "expectedCartVersion": version,
                            }
                        },
                    }
                    body = await post(request, headers)
                    payload = body["data"]["checkout"]
                    # PROCESSING: the saga is behind. The client sends the same checkout again
                    # (same idempotency key): the replay waits for the saga to settle, up to the
                    # server's wait, and answers the moment it does.
                    while payload["checkout"] is not None and payload["checkout"]["status"] == "PROCESSING":
                        body = await post(request, headers)
                        payload = body["data"]["checkout"]
                except (aiohttp.ClientError, TimeoutError, KeyError, TypeError, ValueError) as exc:
                    errors += 1
                    codes = [
                        ":".join(filter(None, (x.get("code", "?"), x.get("dependency"))))
                        for x in (e.get("extensions", {}) for e in body.get("errors") or [])
                    ]
                    why[f"error {','.join(codes) or type(exc).__name__}"] += 1
                    continue
                checkout = payload["checkout"]
                if checkout is None:
                    refused += 1
                    why["refused " + ",".join(e["code"] for e in payload["userErrors"])] += 1
                elif checkout["status"] == "COMPLETED":
                    completed += 1
                    latencies.append(time.monotonic() - started)
                else:
                    failed += 1
                    why[f"failed {checkout['failureCode']}"] += 1

        await asyncio.gather(*(buyer(i, t) for i, t in enumerate(tokens)))
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

    return {
        "completed": completed,
        "failed": failed,
        "refused": refused,
        "errors": errors,
        "why": dict(why.most_common()),
        "p50": pct(0.5),
        "p99": pct(0.99),
    }


def _profile(pid: int, seconds: int) -> tuple[subprocess.Popen[str], Path]:
    """py-spy sampling a subgraph (its uvicorn workers too) while the checkouts run."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as out:
        path = Path(out.name)
    command = [PY_SPY, "record", "--pid", str(pid), "--subprocesses", "--duration", str(seconds)]
    command += ["--rate", "50", "--format", "raw", "--output", str(path), "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True), path


FRAME = re.compile(r"(?P<function>[^ ;]+) \((?P<file>[^:()]+):\d+\)$")


def _hottest(recording: tuple[subprocess.Popen[str], Path], top: int = 8) -> list[str]:
    """The functions with the most self samples (py-spy's collapsed stacks: frames;…;leaf count)."""
    process, path = recording
    _, err = process.communicate(timeout=60)
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return [f"no profile ({err.strip()[:80]})"]
    counts: Counter[str] = Counter()
    for line in lines:
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            leaf = stack.split(";")[-1]
            found = FRAME.search(leaf)
            counts[f"{found['function']} ({Path(found['file']).name})" if found else leaf[:60]] += int(n)
    total = sum(counts.values()) or 1
    return [f"{name} {100 * c / total:.0f}%" for name, c in counts.most_common(top)]


def measure_orders(
    sg: Running, settings: Settings, signer: TestSigner, seconds: int, connections: int
) -> OrdersFigures:
    figures = OrdersFigures()
    router = sg.router_url
    skus = asyncio.run(sellable_skus(settings))
    tokens = [signer.token(roles=["buyer"], ttl=3600) for _ in range(BUYERS)]
    names = ["router", "products", "accounts", "cart", "orders"]
    before = {n: cpu_seconds(sg.processes[n].pid) for n in names}
    started = time.monotonic()
    profiles = {
        n: _profile(sg.processes[n].pid, min(8, max(seconds, 10) - 2)) for n in ("orders", "products", "cart")
    }
    run = asyncio.run(run_checkouts(router, tokens, skus, float(max(seconds, 10))))
    elapsed = time.monotonic() - started
    hot = {n: _hottest(p) for n, p in profiles.items()}
    spent = {n: cpu_seconds(sg.processes[n].pid) - before[n] for n in names}
    rate = run["completed"] / elapsed
    per = {n: 1000 * s / max(run["completed"], 1) for n, s in spent.items()}
    figures.lines += [
        f"- checkout, {BUYERS} buyers over {len(skus):,} SKUs (add one line, then check out), via router: "
        f"**{rate:.1f} completed checkouts/s** (goal ≥ 300); p50 {run['p50']:.0f} ms, p99 {run['p99']:.0f} ms; "
        f"completed {run['completed']}, failed {run['failed']}, refused {run['refused']}, errors {run['errors']}"
        + (f" ({', '.join(f'{k}: {v}' for k, v in run['why'].items())})" if run["why"] else ""),
        "- CPU per completed checkout (ms): "
        + ", ".join(f"{n} {v:.1f}" for n, v in per.items())
        + f"; all processes {sum(per.values()):.1f} ms of the 2 cores' {2000 / max(rate, 0.001):.1f} ms per checkout",
    ]

    for name, functions in hot.items():
        figures.lines.append(
            f"- py-spy, {name} subgraph, share of samples by function (self time): " + "; ".join(functions)
        )

    big_seller, small_seller = BIG_SELLER, SMALL_SELLER
    big_ids = asyncio.run(_seed_seller_orders(settings, big_seller, BIG))
    asyncio.run(_seed_seller_orders(settings, small_seller, SMALL))

    def seller(user_id: uuid.UUID) -> dict[str, str]:
        return {"authorization": f"Bearer {signer.token(user_id, roles=['seller'], ttl=3600)}"}

    newest = {"query": NEWEST}
    load("warm-up", router, [newest], seconds=2, connections=4, headers=seller(big_seller))
    big = load(
        f"seller's newest 20 orders (of {BIG:,}) — via router",
        router,
        [newest],
        seconds=seconds,
        connections=connections,
        headers=seller(big_seller),
    )
    small = load(
        f"seller's newest 20 orders (of {SMALL}) — via router",
        router,
        [newest],
        seconds=seconds,
        connections=connections,
        headers=seller(small_seller),
    )
    by_id = [{"query": BY_ID, "variables": {"id": i}} for i in big_ids[:: BIG // 2000]]
    one = load(
        "order(id) as its seller, 2,000 ids — via router",
        router,
        by_id,
        seconds=seconds,
        connections=connections,
        headers=seller(big_seller),
    )
    figures.results += [big, small, one]
    figures.lines.append(
        f"- newest page, {BIG:,} orders ÷ {SMALL} orders: {big.rps / max(small.rps, 0.001):.2f} (1.0: history does not matter)"
    )
    return figures
