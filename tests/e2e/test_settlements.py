"""Seller settlements through the router: each paid order accrues (sale less commission), refunds
take back (with their commission), money is released once delivered and out of the return
window, payouts never take more than is released and pay once per key; the ledger always sums
to the balance, after any mix of flows; nobody reads another seller's money."""

from __future__ import annotations

import asyncio
import os
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis

from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import check_out, fill_cart
from tests.e2e.test_returns import APPROVE, a_delivered_order, refunded, request
from tests.graphql.catalog import CatalogBuilder, unique
from tests.waiting import eventually

BALANCE = """query($s: ID) { sellerBalance(sellerId: $s) { currency total { amount } available { amount }
  pending { amount } } }"""
ENTRIES = """query($f: SellerLedgerFilter, $after: String) { sellerLedgerEntries(filter: $f, first: 100, after: $after) {
  nodes { id kind amount { amount } orderId rateBp } pageInfo { hasNextPage endCursor } } }"""
PAYOUT = """mutation($input: SellerPayoutInput!) { sellerPayout(input: $input) {
  entry { id kind amount { amount } } userErrors { field code message } } }"""
CANCEL = """mutation($id: ID!) { orderCancel(id: $id) { order { status } userErrors { code } } }"""
LONG_AGO = datetime.now(UTC) - timedelta(days=31)


async def balance(router: GraphQLClient, seller: Caller) -> dict[str, int]:
    found = (await router(BALANCE, {}, seller))["data"]["sellerBalance"]
    if not found:
        return {"total": 0, "available": 0, "pending": 0}
    [usd] = found
    return {k: usd[k]["amount"] for k in ("total", "available", "pending")}


async def entries(router: GraphQLClient, seller: Caller) -> list[dict[str, Any]]:
    found, after = [], None
    while True:
        page = (await router(ENTRIES, {"after": after}, seller))["data"]["sellerLedgerEntries"]
        found += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def settles(router: GraphQLClient, seller: Caller, count: int) -> list[dict[str, Any]]:
    """The seller's entries once `count` of them are there (the ledger follows events)."""

    async def there() -> list[dict[str, Any]] | None:
        found = await entries(router, seller)
        return found if len(found) >= count else None

    return await eventually(there, within=20, every=0.2)


async def pay_out(
    router: GraphQLClient, seller: Caller, amount: int | None = None, key: str | None = None
) -> dict[str, Any]:
    body = await router(
        PAYOUT, {"input": {"amount": amount, "idempotencyKey": key or unique("payout")}}, seller
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["sellerPayout"]
    return payload


async def test_a_sale_accrues_is_released_after_the_window_and_is_paid_out_once(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_delivered_order(router, make_caller, delivered_at=LONG_AGO)
    grand, lines = order["grandTotal"]["amount"], order["linesTotal"]["amount"]
    sale, fee = sorted((await settles(router, seller, 2)), key=lambda e: e["kind"], reverse=True)
    assert (sale["kind"], sale["amount"]["amount"], sale["rateBp"], sale["orderId"]) == (
        "SALE",
        grand,
        1000,
        order["id"],
    )
    assert (fee["kind"], fee["amount"]["amount"]) == ("COMMISSION", -((lines * 1000 + 5000) // 10000))
    owed = grand + fee["amount"]["amount"]

    async def released() -> dict[str, int] | None:
        found = await balance(router, seller)
        return found if found["available"] == owed else None

    assert await eventually(released, within=20, every=0.2) == {
        "total": owed,
        "available": owed,
        "pending": 0,
    }
    assert [e["code"] for e in (await pay_out(router, seller, owed + 1))["userErrors"]] == [
        "INSUFFICIENT_BALANCE"
    ]
    key = unique("payout")
    results = await asyncio.gather(pay_out(router, seller, key=key), pay_out(router, seller, key=key))
    assert results[0]["entry"]["id"] == results[1]["entry"]["id"]  # one payout, asked twice
    assert results[0]["entry"]["amount"]["amount"] == -owed
    assert await balance(router, seller) == {"total": 0, "available": 0, "pending": 0}
    assert [e["code"] for e in (await pay_out(router, seller))["userErrors"]] == ["INSUFFICIENT_BALANCE"]
    redis = Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    try:
        assert int(await redis.hget(f"fakepay:paidout:{seller.user_id}", "USD") or 0) == owed
    finally:
        await redis.aclose()
    _ = buyer


async def test_after_random_flows_the_ledger_sums_to_the_balance_and_payouts_never_exceed_it(
    router: GraphQLClient, make_caller: Any
) -> None:
    rng = random.Random(13)
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    taxonomy = await builder.taxonomy()
    variants = [(await builder.product(seller, taxonomy))["variants"][0]["id"] for _ in range(2)]
    expected_entries = 0
    for step in range(6):
        flow = rng.choice(["cancel", "return", "keep", "payout"])
        if flow == "payout":
            await pay_out(router, seller, amount=rng.randint(1, 3000))  # refused when not released
            continue
        buyer: Caller = make_caller("buyer")
        version = await fill_cart(router, buyer, [(rng.choice(variants), 1)])
        [order] = (await check_out(router, buyer, version))["checkout"]["orders"]
        expected_entries += 2
        if flow == "cancel":
            assert (await router(CANCEL, {"id": order["id"]}, buyer))["data"]["orderCancel"][
                "userErrors"
            ] == []
            expected_entries += 2
        _ = step
    await settles(router, seller, expected_entries)
    # And a delivered order with a refunded return (in its window: pending).
    s2, buyer2, delivered, _, _ = await a_delivered_order(router, make_caller)
    made = (await request(router, buyer2, delivered, 1))["return"]
    assert (await router(APPROVE, {"id": made["id"]}, s2))["data"]["returnApprove"]["userErrors"] == []
    await refunded(router, buyer2, made["id"])
    for who, count in ((seller, expected_entries), (s2, 4)):
        found = await settles(router, who, count)
        money = await balance(router, who)
        assert sum(e["amount"]["amount"] for e in found) == money["total"]
        assert money["available"] >= 0
        assert money["available"] + money["pending"] == money["total"]
    pending = await balance(router, s2)
    assert pending["available"] == 0  # delivered, but its return window is open
    assert [e["code"] for e in (await pay_out(router, s2))["userErrors"]] == ["INSUFFICIENT_BALANCE"]
    assert await balance(router, s2) == pending


async def test_nobody_reads_or_moves_another_sellers_money(router: GraphQLClient, make_caller: Any) -> None:
    seller, buyer, _, _, _ = await a_delivered_order(router, make_caller, delivered_at=LONG_AGO)
    other: Caller = make_caller("seller")
    admin: Caller = make_caller("admin")
    await settles(router, seller, 2)
    for caller, code in ((other, "FORBIDDEN"), (buyer, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        for query, variables in (
            (BALANCE, {"s": str(seller.user_id)}),
            (ENTRIES, {"f": {"sellerId": str(seller.user_id)}}),
        ):
            body = await router(query, variables, caller)
            assert body["errors"][0]["extensions"]["code"] == code, body
        if caller is not None:
            body = await router(
                PAYOUT, {"input": {"idempotencyKey": unique("k"), "sellerId": str(seller.user_id)}}, caller
            )
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert (await router(BALANCE, {}, buyer))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await balance(router, other) == {"total": 0, "available": 0, "pending": 0}
    seen = (await router(BALANCE, {"s": str(seller.user_id)}, admin))["data"]["sellerBalance"]
    assert seen[0]["total"]["amount"] > 0
