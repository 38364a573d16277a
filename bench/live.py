"""Live dashboards and fulfilment listings for `make bench`.

- 1,000 seller dashboards connected through the router (half graphql-transport-ws, half GraphQL
  over SSE): 100 sellers, 10 screens each. Each seller then moves 5 of their paid orders to
  PROCESSING (through the router, paced), and every screen of that seller must get each change:
  5,000 deliveries. Latency is from the event's outbox time (`occurredAt`) to the client's
  receipt, per transport (p50 / p99); a delivery to a screen of another seller counts as a leak.
- A seller's newest 20 shipments and 20 returns (`scope: SALES`), of 10,000 each, via the router.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
import httpx

from bench.measure import LoadResult, load
from bench.orders import BIG_SELLER, _seed_seller_orders
from deploy.local.supergraph import Running
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.settings import Settings
from tests.live_clients import over_sse, over_websocket

SELLERS, SCREENS, MOVES = 100, 10, 5
LISTED = 10_000
EVENTS = "subscription Dash($after: String) { sellerOrderEvents(after: $after) { kind cursor orderId occurredAt } }"
MOVE = "mutation Move($id: ID!) { orderUpdateStatus(id: $id, status: PROCESSING) { userErrors { code } } }"
SHIPMENTS = """query Ships { shipments(filter: {scope: SALES}, first: 20) {
  nodes { id status carrier trackingNumber items { itemId quantity } } } }"""
RETURNS = """query Returns { returns(filter: {scope: SALES}, first: 20) {
  nodes { id status reasons amount { amount } items { itemId quantity reason } } } }"""


@dataclass
class LiveFigures:
    lines: list[str] = field(default_factory=list)
    results: list[LoadResult] = field(default_factory=list)


@dataclass
class _Screens:
    ready: int = 0
    # (transport, seller, order, seconds late, screen)
    deliveries: list[tuple[str, uuid.UUID, str, float, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0
    failed_moves: list[str] = field(default_factory=list)


async def _screen(
    router_url: str, transport: str, token: str, seller: uuid.UUID, screens: _Screens, screen: int
) -> None:
    """A dashboard screen: follows its seller's events, reconnecting with its last cursor (as the
    product's clients do) when the stream ends."""
    cursor: str | None = None
    for attempt in range(6):
        if attempt:
            screens.reconnects += 1
            await asyncio.sleep(0.5)
        variables = {"after": cursor}
        stream = (
            over_websocket(router_url.replace("http://", "ws://"), EVENTS, variables, token)
            if transport == "ws"
            else over_sse(router_url, EVENTS, variables, token)
        )
        try:
            async for result in stream:
                event = (result.get("data") or {}).get("sellerOrderEvents")
                if event is None:
                    screens.errors.append(str(result)[:200])
                    break
                cursor = event["cursor"]
                if event["kind"] == "READY":
                    if attempt == 0:
                        screens.ready += 1
                elif event["occurredAt"]:
                    lag = time.time() - datetime.fromisoformat(event["occurredAt"]).timestamp()
                    screens.deliveries.append((transport, seller, event["orderId"], lag, screen))
        except Exception as exc:  # a dropped connection: reconnect
            screens.errors.append(repr(exc)[:200])


async def _until(done: Callable[[], bool], seconds: float) -> None:
    for _ in range(max(1, int(seconds / 0.2))):
        if done():
            return
        await asyncio.sleep(0.2)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _dashboards(router_url: str, settings: Settings, signer: TestSigner) -> list[str]:
    sellers = [new_id() for _ in range(SELLERS)]
    orders = {s: (await _seed_seller_orders(settings, s, MOVES)) for s in sellers}
    owner = {o: s for s, ids in orders.items() for o in ids}
    tokens = {s: signer.token(s, roles=["seller"], ttl=3600) for s in sellers}
    screens = _Screens()
    tasks: list[asyncio.Task[None]] = []
    # Screens open as a shift starts, not in one instant: 50 at a time, each batch ready first.
    for s in sellers:
        for n in range(SCREENS):
            transport = "ws" if n % 2 == 0 else "sse"
            tasks.append(
                asyncio.create_task(_screen(router_url, transport, tokens[s], s, screens, len(tasks)))
            )
        if len(tasks) % 50 == 0:
            await _until(lambda: screens.ready + len(screens.errors) >= len(tasks), 30)
    await _until(lambda: screens.ready + len(screens.errors) >= len(tasks), 30)
    connected = screens.ready
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=32)) as client:
        moves = [(s, o) for s, ids in orders.items() for o in ids]
        for i in range(0, len(moves), 25):  # paced: 25 changes, then a breath (~100 changes/s)
            answers = await asyncio.gather(
                *(
                    client.post(
                        router_url,
                        json={"query": MOVE, "variables": {"id": o}},
                        headers={"authorization": f"Bearer {tokens[s]}"},
                    )
                    for s, o in moves[i : i + 25]
                ),
                return_exceptions=True,
            )
            for answer in answers:
                if (
                    isinstance(answer, BaseException)
                    or answer.status_code != 200
                    or b"errors" in answer.content
                ):
                    screens.failed_moves.append(
                        repr(answer)[:200] if isinstance(answer, BaseException) else answer.text[:200]
                    )
            await asyncio.sleep(0.25)
    expected = connected * MOVES
    await _until(lambda: len(screens.deliveries) >= expected, 90 - (time.monotonic() - started))
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(BaseException):
            await task
    leaks = sum(1 for _, seller, order, _, _ in screens.deliveries if owner.get(order) != seller)
    per_screen = Counter((screen, order) for _, _, order, _, screen in screens.deliveries)
    twice = sum(n - 1 for n in per_screen.values() if n > 1)
    lines = [
        f"- live dashboards: {connected} of {len(tasks)} connected through the router "
        f"({SELLERS} sellers x {SCREENS} screens, half WebSocket, half SSE); "
        f"{len(screens.deliveries)} of {expected} deliveries, {twice} twice; leaks to another seller: **{leaks}**; "
        f"moves refused {len(screens.failed_moves)}{(': ' + screens.failed_moves[0]) if screens.failed_moves else ''}; "
        f"reconnects with the last cursor {screens.reconnects}; "
        f"errors {len(screens.errors)}{(': ' + screens.errors[0]) if screens.errors else ''}"
    ]
    for transport, label in (("ws", "WebSocket"), ("sse", "SSE")):
        lags = [1000 * lag for t, _, _, lag, _ in screens.deliveries if t == transport]
        lines.append(
            f"- event → dashboard latency over {label} ({len(lags)} deliveries): "
            f"**p50 {_percentile(lags, 0.5):.0f} ms, p99 {_percentile(lags, 0.99):.0f} ms**"
        )
    return lines


async def _seed_fulfilment(settings: Settings, seller: uuid.UUID, count: int) -> None:
    """`count` shipments and returns of the seller (both copies each), unless seeded already."""
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        have = await conn.fetchval("SELECT count(*) FROM orders.shipments WHERE seller_id = $1", seller)
        if have >= count:
            return
        item = new_id()
        lines = f'[{{"itemId": "{item}", "quantity": 1}}]'
        shipments = [
            (seller, new_id(), new_id(), new_id(), "DHL", "EXPRESS", f"JD01{n:016d}", "IN_TRANSIT", lines, 2)
            for n in range(count)
        ]
        columns = [
            "seller_id",
            "buyer_id",
            "id",
            "order_id",
            "carrier",
            "service",
            "tracking_number",
            "status",
            "lines",
            "version",
        ]
        for table in ("shipments", "buyer_shipments"):
            await conn.copy_records_to_table(table, schema_name="orders", records=shipments, columns=columns)
        returned = f'[{{"itemId": "{item}", "variantId": "{new_id()}", "quantity": 1, "reason": "DAMAGED", "unitPrice": 1999}}]'
        returns = [
            (seller, new_id(), new_id(), new_id(), "REQUESTED", returned, '["DAMAGED"]', 1999, "USD", "[]", 1)
            for _ in range(count)
        ]
        columns = [
            "seller_id",
            "buyer_id",
            "id",
            "order_id",
            "status",
            "lines",
            "reasons",
            "amount",
            "currency",
            "photos",
            "version",
        ]
        for table in ("returns", "buyer_returns"):
            await conn.copy_records_to_table(table, schema_name="orders", records=returns, columns=columns)
        await conn.execute("ANALYZE orders.shipments; ANALYZE orders.returns")
    finally:
        await conn.close()


def measure_live(
    sg: Running, settings: Settings, signer: TestSigner, seconds: int, connections: int
) -> LiveFigures:
    figures = LiveFigures()
    router = sg.router_url
    asyncio.run(_seed_fulfilment(settings, BIG_SELLER, LISTED))
    seller: dict[str, Any] = {
        "authorization": f"Bearer {signer.token(BIG_SELLER, roles=['seller'], ttl=3600)}"
    }
    load("warm-up", router, [{"query": SHIPMENTS}], seconds=2, connections=4, headers=seller)
    for name, query in (("shipments", SHIPMENTS), ("returns", RETURNS)):
        figures.results.append(
            load(
                f"seller's newest 20 {name} (of {LISTED:,}) — via router",
                router,
                [{"query": query}],
                seconds=seconds,
                connections=connections,
                headers=seller,
            )
        )
    figures.lines += asyncio.run(_dashboards(router, settings, signer))
    return figures


def main() -> int:
    """Only this section (`make bench` runs it with the rest): `python -m bench.live` in the bench stack."""
    import os

    from bench.run import PORTS, WORKERS
    from deploy.local.profiles import get_profile
    from deploy.local.supergraph import running_supergraph
    from subgraphs.accounts.entrypoints.revocation_keeper import restore_once

    profile = get_profile("bench")
    signer = TestSigner()
    jwks = signer.write_jwks(profile.data_dir / "bench-jwks.json")
    key = signer.write_private_pem(profile.data_dir / "bench-signing-key.pem")
    env = {
        **os.environ,
        "JWT_JWKS_FILE": str(jwks),
        "ACCOUNTS_SIGNING_KEY_FILE": str(key),
        "ACCOUNTS_SIGNING_KID": signer.kid,
        "LOG_LEVEL": "WARNING",
        "DB_POOL_SIZE": "20",
    }
    settings = Settings.from_env("orders", env=env)
    asyncio.run(restore_once(Settings.from_env("accounts", env=env)))
    router_env = {"ROUTER_DEDUPE": "0", "ROUTER_RATE_LIMIT": "0"}
    with running_supergraph(env, profile.logs_dir, PORTS, workers=WORKERS, router_env=router_env) as sg:
        figures = measure_live(sg, settings, signer, 10, 32)
    print("\n".join(figures.lines))
    for r in figures.results:
        print(r.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
