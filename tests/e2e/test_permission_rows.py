"""The spec's ReturnPermission and ShipmentPermission rows through the router: who may do what
with one return or shipment, as the rules say now; listable by role and status (or carrier);
nobody learns of another's objects, and the seller never sees the buyer's id."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Caller, GraphQLClient
from tests.e2e.shipment_helpers import ship
from tests.e2e.test_order_lifecycle import a_paid_order
from tests.e2e.test_returns import a_delivered_order, request

RETURN_ROWS = """query($f: ReturnPermissionFilter) { returnPermissions(filter: $f) {
  nodes { id returnId userId role capabilities status } } }"""
RETURN_ROW = "query($id: ID!) { returnPermission(id: $id) { id role capabilities } }"
SHIPMENT_ROWS = """query($f: ShipmentPermissionFilter) { shipmentPermissions(filter: $f) {
  nodes { id shipmentId userId role capabilities status carrier } } }"""


def by_role(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {n["role"]: n for n in nodes}


async def test_a_returns_rows_say_who_requests_answers_and_overrides(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_delivered_order(router, make_caller)
    ret = (await request(router, buyer, order, 1))["return"]
    rows = by_role(
        (await router(RETURN_ROWS, {"f": {"returnId": ret["id"]}}, buyer))["data"]["returnPermissions"][
            "nodes"
        ]
    )
    assert rows["BUYER"]["userId"] == str(buyer.user_id)
    assert rows["SELLER"]["capabilities"] == ["VIEW", "APPROVE", "REJECT"]
    assert rows["ADMIN"]["capabilities"] == ["VIEW", "APPROVE", "REJECT", "OVERRIDE"]
    assert rows["BUYER"]["status"] == "REQUESTED"
    as_seller = by_role(
        (await router(RETURN_ROWS, {"f": {"returnId": ret["id"]}}, seller))["data"]["returnPermissions"][
            "nodes"
        ]
    )
    assert as_seller["BUYER"]["userId"] is None  # the seller does not learn the buyer's id
    mine = (await router(RETURN_ROWS, {"f": {"role": "SELLER", "status": ["REQUESTED"]}}, seller))["data"]
    assert [n["returnId"] for n in mine["returnPermissions"]["nodes"]] == [ret["id"]]
    one = (await router(RETURN_ROW, {"id": f"{ret['id']}:SELLER"}, seller))["data"]["returnPermission"]
    assert one["capabilities"] == ["VIEW", "APPROVE", "REJECT"]
    for stranger in (make_caller("buyer"), make_caller("seller")):
        assert (await router(RETURN_ROWS, {"f": {"returnId": ret["id"]}}, stranger))["data"][
            "returnPermissions"
        ]["nodes"] == []
        assert (await router(RETURN_ROW, {"id": f"{ret['id']}:BUYER"}, stranger))["data"][
            "returnPermission"
        ] is None
        listed = (await router(RETURN_ROWS, {}, stranger))["data"]["returnPermissions"]["nodes"]
        assert ret["id"] not in [n["returnId"] for n in listed]


async def test_a_shipments_rows_follow_its_order(router: GraphQLClient, make_caller: Any) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    parcel = (await ship(router, seller, order["id"], carrier="UPS", service="GROUND"))["shipment"]
    rows = by_role(
        (await router(SHIPMENT_ROWS, {"f": {"shipmentId": parcel["id"]}}, buyer))["data"][
            "shipmentPermissions"
        ]["nodes"]
    )
    assert (rows["BUYER"]["capabilities"], rows["SELLER"]["capabilities"], rows["SELLER"]["carrier"]) == (
        ["VIEW"],
        ["VIEW", "SHIP"],
        "UPS",
    )
    mine = (await router(SHIPMENT_ROWS, {"f": {"carrier": "UPS", "role": "SELLER"}}, seller))["data"]
    assert [n["shipmentId"] for n in mine["shipmentPermissions"]["nodes"]] == [parcel["id"]]
    other: Caller = make_caller("seller")
    assert (await router(SHIPMENT_ROWS, {"f": {"shipmentId": parcel["id"]}}, other))["data"][
        "shipmentPermissions"
    ]["nodes"] == []
    assert (await router(SHIPMENT_ROWS, {}))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("field", "key"), [("shipmentPermissions", "shipmentId"), ("returnPermissions", "returnId")]
)
async def test_a_malformed_id_in_a_filter_is_bad_user_input(
    router: GraphQLClient, make_caller: Any, field: str, key: str
) -> None:
    """Found by the REST fuzzer: it was an unexpected error (a mutation's error type raised in a query)."""
    body = await router(
        f"query($f: ID) {{ {field}(filter: {{{key}: $f}}) {{ nodes {{ id }} }} }}",
        {"f": "\u0093T\u00e9"},
        make_caller(),
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
