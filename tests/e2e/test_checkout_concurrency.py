"""No oversell under concurrency, through the router, the real subgraphs, Kafka and PostgreSQL.

1,000 buyers check out the last unit of a variant at once: exactly one order. Many buyers
buying across several sellers at once: each variant's stock ends at initial - sold, never
below zero, with nothing left reserved.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import check_out, fill_cart, stock, stock_settles
from tests.graphql.catalog import CatalogBuilder, unique
from tests.waiting import eventually

SETTLED = "query($id: ID!) { checkout(id: $id) { status failureCode orders { items { sku quantity } } } }"
LAST_UNIT_BUYERS = 1000
SETUP_CONCURRENCY = 50


async def _bounded(calls: list[Any], limit: int) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one(call: Any) -> Any:
        async with gate:
            return await call

    return await asyncio.gather(*(one(c) for c in calls))


async def _outcome(router: GraphQLClient, buyer: Caller, payload: dict[str, Any]) -> dict[str, Any]:
    """The settled checkout, or the refusal (a PROCESSING answer is asked again until it settles)."""
    checkout = payload["checkout"]
    if checkout is None:
        return {"status": "REFUSED", "codes": [e["code"] for e in payload["userErrors"]]}
    if checkout["status"] != "PROCESSING":
        return checkout  # type: ignore[no-any-return]

    async def settled() -> dict[str, Any] | None:
        found = (await router(SETTLED, {"id": checkout["id"]}, buyer))["data"]["checkout"]
        return found if found["status"] != "PROCESSING" else None

    return await eventually(settled, within=60, every=0.5)


async def test_a_thousand_buyers_racing_for_the_last_unit_make_exactly_one_order(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    sku = unique("LAST")
    product = await builder.product(
        seller,
        await builder.taxonomy(),
        variants=[{"sku": sku, "price": 999, "stock": [{"warehouse": "EU-1", "quantity": 1}]}],
    )
    variant_id = product["variants"][0]["id"]
    buyers = [make_caller("buyer") for _ in range(LAST_UNIT_BUYERS)]
    versions = await _bounded([fill_cart(router, b, [(variant_id, 1)]) for b in buyers], SETUP_CONCURRENCY)

    answers = await asyncio.gather(*(check_out(router, b, v) for b, v in zip(buyers, versions, strict=True)))
    outcomes = await _bounded(
        [_outcome(router, b, a) for b, a in zip(buyers, answers, strict=True)], SETUP_CONCURRENCY
    )

    completed = [o for o in outcomes if o["status"] == "COMPLETED"]
    assert len(completed) == 1, {o["status"] for o in outcomes}
    assert [(i["sku"], i["quantity"]) for i in completed[0]["orders"][0]["items"]] == [(sku, 1)]
    losers = [o for o in outcomes if o["status"] != "COMPLETED"]
    assert all(
        o.get("failureCode") == "OUT_OF_STOCK" or "OUT_OF_STOCK" in o.get("codes", []) for o in losers
    ), {
        str(o)
        for o in losers
        if o.get("failureCode") != "OUT_OF_STOCK" and "OUT_OF_STOCK" not in o.get("codes", [])
    }
    await stock_settles(router, seller, variant_id, {"onHand": 0, "reserved": 0, "available": 0})


async def test_many_buyers_across_many_sellers_never_oversell_and_leave_nothing_reserved(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    builder = CatalogBuilder(router, admin)
    tax = await builder.taxonomy()
    sellers = [make_caller("seller") for _ in range(4)]
    initial = 12
    variants: list[tuple[Caller, str]] = []
    for seller in sellers:
        product = await builder.product(
            seller,
            tax,
            variants=[
                {"sku": unique("MANY"), "price": 500, "stock": [{"warehouse": "EU-1", "quantity": initial}]}
            ],
        )
        variants.append((seller, product["variants"][0]["id"]))
    rng = random.Random(12)
    buyers = [make_caller("buyer") for _ in range(60)]
    baskets = [[(v, rng.randint(1, 3)) for _, v in rng.sample(variants, rng.randint(1, 3))] for _ in buyers]
    versions = await _bounded(
        [fill_cart(router, b, basket) for b, basket in zip(buyers, baskets, strict=True)], 20
    )

    answers = await asyncio.gather(*(check_out(router, b, v) for b, v in zip(buyers, versions, strict=True)))
    outcomes = await _bounded([_outcome(router, b, a) for b, a in zip(buyers, answers, strict=True)], 20)

    sold: dict[str, int] = {v: 0 for _, v in variants}
    for basket, outcome in zip(baskets, outcomes, strict=True):
        if outcome["status"] == "COMPLETED":
            for variant_id, quantity in basket:
                sold[variant_id] += quantity
        else:
            assert outcome.get("failureCode") == "OUT_OF_STOCK" or "OUT_OF_STOCK" in outcome.get("codes", [])
    assert any(o["status"] == "COMPLETED" for o in outcomes)
    for seller, variant_id in variants:
        assert 0 <= sold[variant_id] <= initial
        left = initial - sold[variant_id]
        await stock_settles(router, seller, variant_id, {"onHand": left, "reserved": 0, "available": left})
        assert (await stock(router, seller, variant_id))["onHand"] >= 0
