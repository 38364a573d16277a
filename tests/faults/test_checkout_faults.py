"""Checkouts while Kafka, the products process (the stock consumer) or the orders process (the
saga) is SIGKILLed and restarted: every buyer gets one answer for their idempotency key, no event
is lost, no effect is applied twice, and no money is kept for a checkout that did not complete.

Each buyer retries with the same key until answered, as a real client would; then the test
counts, for every checkout: its stock moves (sold once, or released), its money (captured once,
or never / given back), and what is left reserved (nothing).
"""

from __future__ import annotations

import asyncio
import random
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from deploy.local.supergraph import Running, kill, start_subgraph
from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import ADD, ADDRESS, CHECKOUT, ledger
from tests.faults.conftest import FAULT_PORTS
from tests.faults.harness import FaultStack
from tests.graphql.catalog import CatalogBuilder, unique
from tests.waiting import eventually

SETTLED = "query($id: ID!) { checkout(id: $id) { id status failureCode grandTotal { amount } } }"
BUYERS = 24
STOCK = 10


async def _answer(router: httpx.AsyncClient, buyer: Caller, key: str, version: int) -> dict[str, Any] | None:
    """The checkout mutation's payload, or None when no usable answer came (retry the key)."""
    variables = {
        "input": {
            "shippingAddress": {"address": ADDRESS},
            "idempotencyKey": key,
            "expectedCartVersion": version,
        }
    }
    try:
        response = await router.post(
            "/graphql", json={"query": CHECKOUT, "variables": variables}, headers=buyer.headers
        )
        body = response.json()
    except (httpx.HTTPError, ValueError):
        return None
    if response.status_code != 200 or body.get("errors") or not body.get("data"):
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
        assert codes <= {"SERVICE_UNAVAILABLE"}, body  # an outage is coded, never masked
        return None
    payload: dict[str, Any] = body["data"]["checkout"]
    return payload


async def _until_settled(router: httpx.AsyncClient, buyer: Caller, key: str, version: int) -> dict[str, Any]:
    async def answered() -> dict[str, Any] | None:
        return await _answer(router, buyer, key, version)

    payload = await eventually(answered, within=60, every=0.5)
    if payload["checkout"] is None:
        return {"status": "REFUSED", "codes": [e["code"] for e in payload["userErrors"]]}
    checkout_id = payload["checkout"]["id"]

    async def settled() -> dict[str, Any] | None:
        try:
            response = await router.post(
                "/graphql", json={"query": SETTLED, "variables": {"id": checkout_id}}, headers=buyer.headers
            )
            found = response.json()["data"]["checkout"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return None
        return found if found and found["status"] != "PROCESSING" else None

    found: dict[str, Any] = await eventually(settled, within=60, every=0.5)
    return found


async def _fault(service: str, stack: FaultStack, supergraph: Running, env: dict[str, str]) -> None:
    await asyncio.sleep(0.4)  # mid-checkout: the first requests are in the saga already
    if service == "kafka":
        stack.kill("kafka")
        await asyncio.sleep(2.0)
        await stack.restart("kafka")
        return
    kill(supergraph, service)
    await asyncio.sleep(1.0)
    await asyncio.to_thread(
        start_subgraph, supergraph, service, env, Path(stack.profile.logs_dir), FAULT_PORTS
    )


@pytest.mark.parametrize("service", ["kafka", "products", "orders"])
async def test_checkouts_survive_a_killed_broker_or_process_with_nothing_lost_doubled_or_kept(
    service: str,
    fault_supergraph: Running,
    fault_router: httpx.AsyncClient,
    fault_stack: FaultStack,
    fault_env: dict[str, str],
    make_caller: Any,
) -> None:
    gql = GraphQLClient(fault_router)
    admin: Caller = make_caller("admin")
    builder = CatalogBuilder(gql, admin)
    tax = await builder.taxonomy()
    sellers = [make_caller("seller") for _ in range(3)]
    variants = []
    for seller in sellers:
        product = await builder.product(
            seller,
            tax,
            variants=[
                {"sku": unique("F"), "price": 700, "stock": [{"warehouse": "EU-1", "quantity": STOCK}]}
            ],
        )
        variants.append(product["variants"][0]["id"])
    rng = random.Random(service)
    buyers = [make_caller("buyer") for _ in range(BUYERS)]
    baskets = [[(v, rng.randint(1, 2)) for v in rng.sample(variants, rng.randint(1, 2))] for _ in buyers]
    versions = []
    for buyer, basket in zip(buyers, baskets, strict=True):
        version = 0
        for variant_id, quantity in basket:
            result = (await gql(ADD, {"v": variant_id, "q": quantity}, buyer))["data"]["addToCart"]
            assert result["userErrors"] == [], result
            version = result["cart"]["version"]
        versions.append(version)
    keys = [unique("fault") for _ in buyers]

    fault = asyncio.create_task(_fault(service, fault_stack, fault_supergraph, fault_env))
    try:
        outcomes = await asyncio.gather(
            *(_until_settled(fault_router, b, k, v) for b, k, v in zip(buyers, keys, versions, strict=True))
        )
    finally:
        await fault  # the killed service is back even when an assertion failed (the next tests need it)

    # One answer per key: asking again gives the same checkout.
    for buyer, key, version, outcome in zip(buyers, keys, versions, outcomes, strict=True):
        if outcome["status"] != "REFUSED":
            again = await _answer(fault_router, buyer, key, version)
            assert again is not None
            assert again["checkout"]["id"] == outcome["id"]
    completed = [o for o in outcomes if o["status"] == "COMPLETED"]
    assert completed, outcomes
    assert all(
        o["status"] == "COMPLETED"
        or o.get("failureCode") == "OUT_OF_STOCK"
        or "OUT_OF_STOCK" in o.get("codes", [])
        for o in outcomes
    ), outcomes

    # Money: captured once for each completed checkout, never kept for the others.
    for outcome in outcomes:
        if outcome["status"] != "REFUSED":
            money = await ledger(fault_stack.env()["REDIS_URL"], outcome["id"])
            if outcome["status"] == "COMPLETED":
                assert (money["state"], int(money["captured"])) == (
                    "captured",
                    outcome["grandTotal"]["amount"],
                )
            else:
                assert int(money.get("captured", 0)) == int(money.get("refunded", 0))

    # Stock: sold once per completed line, nothing left held, never below zero.
    dsn = fault_stack.env()["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    sold = {v: 0 for v in variants}
    for basket, outcome in zip(baskets, outcomes, strict=True):
        if outcome["status"] == "COMPLETED":
            for variant_id, quantity in basket:
                sold[variant_id] += quantity

    async def stock_settled() -> dict[str, tuple[int, int]] | None:
        conn = await asyncpg.connect(dsn)
        try:
            rows = await conn.fetch(
                "SELECT variant_id, on_hand, reserved FROM products.inventory WHERE variant_id = ANY($1::uuid[])",
                [uuid.UUID(v) for v in variants],
            )
            held = await conn.fetchval(
                "SELECT count(*) FROM products.stock_reservations WHERE variant_id = ANY($1::uuid[]) AND status = 'RESERVED'",
                [uuid.UUID(v) for v in variants],
            )
        finally:
            await conn.close()
        found = {str(r["variant_id"]): (r["on_hand"], r["reserved"]) for r in rows}
        expected = {v: (STOCK - sold[v], 0) for v in variants}
        return found if found == expected and held == 0 else None

    try:
        await eventually(stock_settled, within=30, every=0.5)
    except AssertionError:
        raise AssertionError(f"stock never settled; sold {sold}") from None
