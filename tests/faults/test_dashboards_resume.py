"""Live seller dashboards while the broker, the orders process or the router is SIGKILLed and restarted: a
dashboard that reconnects with its last cursor (as a real client does) ends up with every
order's change exactly once — nothing lost while it was away, nothing repeated."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from deploy.local.supergraph import Running, kill, start_router, start_subgraph, subgraph_urls
from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import check_out, fill_cart
from tests.faults.conftest import FAULT_PORTS, ROUTER_ENV
from tests.faults.harness import FaultStack
from tests.graphql.catalog import CatalogBuilder
from tests.live_clients import over_sse, over_websocket
from tests.waiting import eventually

SELLER_EVENTS = """subscription($after: String) { sellerOrderEvents(after: $after) {
  kind cursor eventId orderId status } }"""
MOVE = """mutation($id: ID!) { orderUpdateStatus(id: $id, status: PROCESSING) { userErrors { code } } }"""
ORDERS = 4


async def follow(
    transport: str, seller: Caller, stop: asyncio.Event, seen: list[dict[str, Any]], ready: asyncio.Event
) -> None:
    """A dashboard: (re)connects with the last cursor it got until told to stop."""
    ws_url = f"ws://127.0.0.1:{FAULT_PORTS.router}/graphql"
    http_url = f"http://127.0.0.1:{FAULT_PORTS.router}/graphql"
    cursor: str | None = None
    while not stop.is_set():
        stream = (
            over_websocket(ws_url, SELLER_EVENTS, {"after": cursor}, seller.token)
            if transport == "websocket"
            else over_sse(http_url, SELLER_EVENTS, {"after": cursor}, seller.token)
        )
        with contextlib.suppress(websockets.ConnectionClosed, httpx.HTTPError, OSError, ValueError):
            async for result in stream:
                event = (result.get("data") or {}).get("sellerOrderEvents")
                if not event:
                    break  # an error (the orders process is away): reconnect
                cursor = event["cursor"]
                if event["kind"] == "READY":
                    ready.set()
                else:
                    seen.append(event)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.3)


async def move_directly(running: Running, seller: Caller, order_id: str) -> None:
    """The change made at the orders subgraph itself (the router is down)."""
    async with httpx.AsyncClient(
        base_url=running.urls["orders"].removesuffix("/graphql"), timeout=10
    ) as client:
        body = await GraphQLClient(client)(MOVE, {"id": order_id}, seller)
    assert body["data"]["orderUpdateStatus"]["userErrors"] == [], body


async def move(router: GraphQLClient, seller: Caller, order_id: str) -> None:
    async def moved() -> bool | None:
        try:
            body = await router(MOVE, {"id": order_id}, seller)
        except (AssertionError, httpx.HTTPError):
            return None  # the orders process is away: retry
        if body.get("errors"):
            return None
        return body["data"]["orderUpdateStatus"]["userErrors"] == [] or None

    await eventually(moved, within=60, every=0.5)


@pytest.mark.parametrize(
    ("service", "transport"), [("kafka", "websocket"), ("orders", "sse"), ("router", "sse")]
)
async def test_a_dashboard_resumes_across_a_restart_with_nothing_lost_or_repeated(
    service: str,
    transport: str,
    fault_supergraph: Running,
    fault_router: httpx.AsyncClient,
    fault_stack: FaultStack,
    fault_env: dict[str, str],
    make_caller: Any,
) -> None:
    router = GraphQLClient(fault_router)
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    variant = (await builder.product(seller, await builder.taxonomy()))["variants"][0]["id"]
    orders = []
    for _ in range(ORDERS):
        buyer: Caller = make_caller("buyer")
        [order] = (await check_out(router, buyer, await fill_cart(router, buyer, [(variant, 1)])))[
            "checkout"
        ]["orders"]
        orders.append(order["id"])

    stop, ready = asyncio.Event(), asyncio.Event()
    seen: list[dict[str, Any]] = []
    dashboard = asyncio.create_task(follow(transport, seller, stop, seen, ready))
    try:
        await asyncio.wait_for(ready.wait(), 20)
        await move(router, seller, orders[0])
        if service == "kafka":
            fault_stack.kill("kafka")
            await move(router, seller, orders[1])  # its event waits in the outbox
            await asyncio.sleep(1.0)
            await fault_stack.restart("kafka")
        elif service == "router":
            kill(fault_supergraph, "router")  # every client's stream breaks
            await move_directly(fault_supergraph, seller, orders[1])  # while no router runs
            await asyncio.to_thread(
                start_router,
                fault_supergraph,
                fault_env,
                Path(fault_stack.profile.logs_dir),
                FAULT_PORTS.router,
                {**subgraph_urls(fault_supergraph), **ROUTER_ENV},
            )
        else:
            kill(fault_supergraph, "orders")  # the dashboard's stream breaks
            await asyncio.sleep(1.0)
            await asyncio.to_thread(
                start_subgraph,
                fault_supergraph,
                "orders",
                fault_env,
                Path(fault_stack.profile.logs_dir),
                FAULT_PORTS,
            )
            await move(router, seller, orders[1])  # maybe before the dashboard is back
        for order_id in orders[2:]:
            await move(router, seller, order_id)

        async def all_there() -> bool | None:
            moved = {e["orderId"] for e in seen if e["status"] == "PROCESSING"}
            return moved == set(orders) or None

        try:
            await eventually(all_there, within=60, every=0.2)
        except AssertionError:
            raise AssertionError(f"the dashboard saw {seen} of {orders}") from None
        await asyncio.sleep(1.5)  # anything doubled would have come by now
        processing = [e["orderId"] for e in seen if e["status"] == "PROCESSING"]
        assert sorted(processing) == sorted(orders)  # each once
        assert len({e["eventId"] for e in seen}) == len(seen)
    finally:
        stop.set()
        dashboard.cancel()
        with contextlib.suppress(BaseException):
            await dashboard
        if service == "router" and "router" not in fault_supergraph.processes:
            await asyncio.to_thread(
                start_router,
                fault_supergraph,
                fault_env,
                Path(fault_stack.profile.logs_dir),
                FAULT_PORTS.router,
                {**subgraph_urls(fault_supergraph), **ROUTER_ENV},
            )
        if service == "orders" and "orders" not in fault_supergraph.processes:
            await asyncio.to_thread(
                start_subgraph,
                fault_supergraph,
                "orders",
                fault_env,
                Path(fault_stack.profile.logs_dir),
                FAULT_PORTS,
            )
