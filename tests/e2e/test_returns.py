"""Returns and refunds through the router: the buyer asks back delivered units (never more than
delivered, within 30 days), the seller of the lines answers, an admin overturns either way and
in bulk; approval refunds through the card processor (once, never more than was captured) and
moves the order; receipt puts the stock back on hand."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from subgraphs.orders.domain.shipments import ShipmentStatus
from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import ledger, stock_settles
from tests.e2e.shipment_helpers import ORDER, send_scans, ship
from tests.e2e.test_order_lifecycle import a_paid_order
from tests.waiting import eventually

REQUEST = """mutation($input: ReturnRequestInput!) { returnRequest(input: $input) {
  return { id status amount { amount } items { itemId quantity reason } reasons photoUrls buyerId }
  userErrors { field code message } } }"""
APPROVE = """mutation($id: ID!, $note: String) { returnApprove(id: $id, note: $note) {
  return { id status sellerNote buyerId } userErrors { field code } } }"""
REJECT = """mutation($id: ID!, $note: String) { returnReject(id: $id, note: $note) {
  return { id status sellerNote } userErrors { field code } } }"""
RECEIVE = (
    """mutation($id: ID!) { returnReceive(id: $id) { return { id status } userErrors { field code } } }"""
)
BULK = """mutation($ids: [ID!]!, $s: ReturnStatus!) { returnsBulkUpdate(ids: $ids, status: $s) {
  returns { id status } userErrors { field code } } }"""
RETURN = """query($id: ID!) { return(id: $id) { id status refunded { amount } refundedAt
  history { fromStatus toStatus actor note } } }"""
RETURNS = (
    """query($f: ReturnFilter) { returns(filter: $f, first: 50) { nodes { id status reasons orderId } } }"""
)


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def a_delivered_order(
    router: GraphQLClient, make_caller: Any, delivered_at: datetime | None = None
) -> tuple[Caller, Caller, dict[str, Any], str, str]:
    seller, buyer, order, variant_id, checkout_id = await a_paid_order(router, make_caller)
    parcel = (await ship(router, seller, order["id"]))["shipment"]
    at = delivered_at or datetime.now(UTC) + timedelta(minutes=1)
    delivered = [("delivered-1", ShipmentStatus.DELIVERED, at, "Doorstep")]
    assert (await send_scans("DHL", parcel["trackingNumber"], delivered)).status_code == 200
    assert (await router(ORDER, {"id": order["id"]}, buyer))["data"]["order"]["status"] == "DELIVERED"
    return seller, buyer, order, variant_id, checkout_id


async def request(
    router: GraphQLClient,
    buyer: Caller,
    order: dict[str, Any],
    quantity: int,
    reason: str = "DAMAGED",
    **extra: Any,
) -> dict[str, Any]:
    item = order["items"][0]["id"]
    body = await router(
        REQUEST,
        {
            "input": {
                "orderId": order["id"],
                "items": [{"itemId": item, "quantity": quantity, "reason": reason}],
                **extra,
            }
        },
        buyer,
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["returnRequest"]
    return payload


async def refunded(router: GraphQLClient, buyer: Caller, return_id: str) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        found: dict[str, Any] = (await router(RETURN, {"id": return_id}, buyer))["data"]["return"]
        return found if found["refundedAt"] else None

    return await eventually(done, within=20, every=0.2)


async def test_a_return_is_asked_answered_refunded_and_restocked(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, variant_id, checkout_id = await a_delivered_order(router, make_caller)
    unit = order["items"][0]["unitPrice"]["amount"]
    assert codes(await request(router, buyer, order, 3)) == ["BAD_USER_INPUT"]  # 2 were delivered
    photo = "https://media.example.com/returns/dent.jpg"
    first = await request(router, buyer, order, 1, note="Dented", photoUrls=[photo])
    assert first["userErrors"] == []
    ret = first["return"]
    assert (ret["status"], ret["amount"]["amount"], ret["reasons"], ret["photoUrls"]) == (
        "REQUESTED",
        unit,
        ["DAMAGED"],
        [photo],
    )
    assert codes(await request(router, buyer, order, 2)) == ["BAD_USER_INPUT"]  # 1 is already asked back

    sales = (await router(RETURNS, {"f": {"scope": "SALES", "reason": "DAMAGED"}}, seller))["data"][
        "returns"
    ]["nodes"]
    assert [r["id"] for r in sales] == [ret["id"]]
    assert (await router(RETURNS, {"f": {"scope": "SALES", "reason": "WRONG_ITEM"}}, seller))["data"][
        "returns"
    ]["nodes"] == []
    assert codes((await router(APPROVE, {"id": ret["id"]}, buyer))["data"]["returnApprove"]) == ["FORBIDDEN"]
    approved = (await router(APPROVE, {"id": ret["id"], "note": "Sorry!"}, seller))["data"]["returnApprove"]
    assert approved["userErrors"] == []
    assert (
        approved["return"]["status"],
        approved["return"]["sellerNote"],
        approved["return"]["buyerId"],
    ) == (
        "APPROVED",
        "Sorry!",
        None,  # the seller's view
    )
    assert (await router(ORDER, {"id": order["id"]}, buyer))["data"]["order"][
        "status"
    ] == "PARTIALLY_RETURNED"
    money = await refunded(router, buyer, ret["id"])
    assert money["refunded"]["amount"] == unit
    assert int((await ledger(os.environ["REDIS_URL"], checkout_id))["refunded"]) == unit

    received = (await router(RECEIVE, {"id": ret["id"]}, seller))["data"]["returnReceive"]
    assert received["return"]["status"] == "RECEIVED"
    await stock_settles(router, seller, variant_id, {"onHand": 4, "reserved": 0, "available": 4})  # 5 - 2 + 1

    rest = await request(router, buyer, order, 1, reason="NO_LONGER_NEEDED")
    assert (await router(APPROVE, {"id": rest["return"]["id"]}, seller))["data"]["returnApprove"][
        "userErrors"
    ] == []
    assert (await router(ORDER, {"id": order["id"]}, buyer))["data"]["order"]["status"] == "RETURNED"
    await refunded(router, buyer, rest["return"]["id"])
    assert int((await ledger(os.environ["REDIS_URL"], checkout_id))["refunded"]) == 2 * unit
    history = (await router(RETURN, {"id": ret["id"]}, buyer))["data"]["return"]["history"]
    assert [(h["toStatus"], h["actor"]) for h in history] == [("APPROVED", "SELLER"), ("RECEIVED", "SELLER")]


async def test_a_rejection_can_be_overturned_by_an_admin_and_admins_update_in_bulk(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_delivered_order(router, make_caller)
    admin: Caller = make_caller("admin")
    ret = (await request(router, buyer, order, 1, reason="NOT_AS_DESCRIBED"))["return"]
    rejected = (await router(REJECT, {"id": ret["id"], "note": "Used"}, seller))["data"]["returnReject"]
    assert rejected["return"]["status"] == "REJECTED"
    assert codes((await router(APPROVE, {"id": ret["id"]}, seller))["data"]["returnApprove"]) == [
        "ILLEGAL_TRANSITION"
    ]  # the seller said no; only an admin overturns it
    other = (await request(router, buyer, order, 1))["return"]  # the rejected unit is returnable again
    bulk = (
        await router(
            BULK,
            {"ids": [ret["id"], other["id"], "01a00000-0000-7000-8000-000000000000"], "s": "APPROVED"},
            admin,
        )
    )["data"]["returnsBulkUpdate"]
    assert sorted(r["id"] for r in bulk["returns"]) == sorted([ret["id"], other["id"]])
    assert [(e["field"], e["code"]) for e in bulk["userErrors"]] == [(["ids", "2"], "NOT_FOUND")]
    assert (await router(BULK, {"ids": [ret["id"]], "s": "APPROVED"}, seller))["errors"][0]["extensions"][
        "code"
    ] == ("FORBIDDEN")
    assert (await router(ORDER, {"id": order["id"]}, buyer))["data"]["order"]["status"] == "RETURNED"


async def test_the_return_window_undelivered_orders_strangers_and_races_are_refused(
    router: GraphQLClient, make_caller: Any
) -> None:
    _, late_buyer, late, _, _ = await a_delivered_order(
        router, make_caller, delivered_at=datetime.now(UTC) - timedelta(days=31)
    )
    assert codes(await request(router, late_buyer, late, 1)) == ["RETURN_WINDOW_CLOSED"]

    _, buyer, paid, _, _ = await a_paid_order(router, make_caller)
    assert codes(await request(router, buyer, paid, 1)) == ["ILLEGAL_TRANSITION"]  # not delivered

    seller, buyer, order, _, _ = await a_delivered_order(router, make_caller)
    stranger: Caller = make_caller("buyer")
    assert codes(await request(router, stranger, order, 1)) == ["NOT_FOUND"]
    assert codes(await request(router, seller, order, 1)) == ["NOT_FOUND"]
    both = await asyncio.gather(*(request(router, buyer, order, 2) for _ in range(10)))
    assert sorted(len(b["userErrors"]) for b in both) == [0] + [1] * 9  # the 2 delivered units, once
    [won] = [b["return"] for b in both if b["return"]]
    for caller in (stranger, make_caller("seller")):
        assert (await router(RETURN, {"id": won["id"]}, caller))["data"]["return"] is None
        assert (await router(RETURNS, {"f": {"scope": "PURCHASES"}}, caller))["data"]["returns"][
            "nodes"
        ] == []
    assert codes((await router(APPROVE, {"id": won["id"]}, stranger))["data"]["returnApprove"]) == [
        "NOT_FOUND"
    ]
    assert (await router(RETURNS, {"f": {"scope": "ALL"}}, seller))["errors"][0]["extensions"][
        "code"
    ] == "FORBIDDEN"


UPLOAD = """mutation($input: ReturnRequestInput!, $photos: [Upload!]) { returnRequest(input: $input, photos: $photos) {
  return { id photoUrls } userErrors { field code } } }"""
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def upload(
    router: GraphQLClient, buyer: Caller, order: dict[str, Any], files: list[bytes]
) -> dict[str, Any]:
    item = order["items"][0]["id"]
    operations = {
        "query": UPLOAD,
        "variables": {
            "input": {
                "orderId": order["id"],
                "items": [{"itemId": item, "quantity": 1, "reason": "DAMAGED"}],
            },
            "photos": [None] * len(files),
        },
    }
    response = await router.http.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({str(i): [f"variables.photos.{i}"] for i in range(len(files))}),
        },
        files={str(i): (f"photo{i}", data, "application/octet-stream") for i, data in enumerate(files)},
        headers={**buyer.headers, "graphql-preflight": "1"},
    )
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["returnRequest"]
    return payload


async def test_photos_uploaded_with_a_return_are_served_by_signed_links_to_who_may_see_it(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_delivered_order(router, make_caller)
    assert [
        e["code"] for e in (await upload(router, buyer, order, [b"GIF89a not a photo"]))["userErrors"]
    ] == ["BAD_USER_INPUT"]
    made = await upload(router, buyer, order, [JPEG, PNG])
    assert made["userErrors"] == []
    links = made["return"]["photoUrls"]
    assert len(links) == 2
    async with httpx.AsyncClient(timeout=10) as client:
        first = await client.get(links[0])
        assert (first.status_code, first.headers["content-type"], first.content) == (200, "image/jpeg", JPEG)
        assert (await client.get(links[1])).content == PNG
        tampered = links[0].replace("/0.jpg", "/1.png")
        assert (await client.get(tampered)).status_code == 404  # a link opens its one file only
        assert (await client.get(links[0].split("?")[0])).status_code == 404  # unsigned: nothing
    seen = (await router(RETURNS, {"f": {"scope": "SALES"}}, seller))["data"]["returns"]["nodes"]
    assert [r["id"] for r in seen] == [made["return"]["id"]]
    stranger: Caller = make_caller("buyer")
    assert (await router(RETURN, {"id": made["return"]["id"]}, stranger))["data"]["return"] is None
