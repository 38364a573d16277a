"""Explicit access to one order (the spec's order-permission rows), through the router: granted by
admins, cached, and gone at once when revoked or as soon as it expires."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Caller, GraphQLClient
from tests.e2e.test_order_lifecycle import CANCEL, a_paid_order

GRANT = """mutation($i: OrderPermissionGrantInput!) { orderPermissionGrant(input: $i) {
  orderPermission { id role expiresAt userId orderId } userErrors { field code } } }"""
REVOKE = "mutation($id: ID!) { orderPermissionRevoke(id: $id) { revokedId userErrors { code } } }"
ORDER = "query($id: ID!) { order(id: $id) { id buyerId shippingAddress { phone } } }"
LIST = "query($f: OrderPermissionFilter) { orderPermissions(filter: $f) { nodes { id userId role } } }"


def _in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


async def test_a_grant_lets_a_support_agent_see_one_order_until_it_is_revoked(
    router: GraphQLClient, make_caller: Any
) -> None:
    _, buyer, order, _, _ = await a_paid_order(router, make_caller)
    _, _, other_order, _, _ = await a_paid_order(router, make_caller)
    admin: Caller = make_caller("admin")
    agent: Caller = make_caller("support")
    assert (await router(ORDER, {"id": order["id"]}, agent))["data"]["order"] is None  # also caches the "no"

    refused = await router(
        GRANT, {"i": {"orderId": order["id"], "userId": str(agent.user_id), "expiresAt": _in(600)}}, buyer
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # only admins grant
    granted = await router(
        GRANT, {"i": {"orderId": order["id"], "userId": str(agent.user_id), "expiresAt": _in(600)}}, admin
    )
    permission = granted["data"]["orderPermissionGrant"]["orderPermission"]
    assert permission["role"] == "VIEWER"
    seen = (await router(ORDER, {"id": order["id"]}, agent))["data"]["order"]
    assert seen["buyerId"] == str(buyer.user_id)  # an admin's view of that one order
    assert (await router(ORDER, {"id": other_order["id"]}, agent))["data"]["order"] is None
    viewer_cancel = (await router(CANCEL, {"id": order["id"]}, agent))["data"]["orderCancel"]
    assert [e["code"] for e in viewer_cancel["userErrors"]] == ["NOT_FOUND"]  # a viewer only reads

    listed = (await router(LIST, {"f": {"orderId": order["id"]}}, admin))["data"]["orderPermissions"]["nodes"]
    assert [(p["id"], p["userId"]) for p in listed] == [(permission["id"], str(agent.user_id))]
    own = (await router(LIST, {"f": {}}, agent))["data"]["orderPermissions"]["nodes"]
    assert [p["id"] for p in own] == [permission["id"]]
    nosy = await router(LIST, {"f": {"userId": str(admin.user_id)}}, agent)
    assert nosy["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    revoked = (await router(REVOKE, {"id": permission["id"]}, admin))["data"]["orderPermissionRevoke"]
    assert revoked["revokedId"] == permission["id"]
    assert (await router(ORDER, {"id": order["id"]}, agent))["data"][
        "order"
    ] is None  # at once, not after a TTL


async def test_a_support_grant_acts_on_the_order_and_an_expired_grant_stops_on_time(
    router: GraphQLClient, make_caller: Any
) -> None:
    _, _, order, _, _ = await a_paid_order(router, make_caller)
    admin: Caller = make_caller("admin")
    agent: Caller = make_caller("support")
    brief = await router(
        GRANT,
        {"i": {"orderId": order["id"], "userId": str(agent.user_id), "role": "SUPPORT", "expiresAt": _in(3)}},
        admin,
    )
    assert brief["data"]["orderPermissionGrant"]["userErrors"] == []
    assert (await router(ORDER, {"id": order["id"]}, agent))["data"]["order"]["id"] == order["id"]
    await asyncio.sleep(3.5)
    assert (await router(ORDER, {"id": order["id"]}, agent))["data"]["order"] is None

    renewed = await router(
        GRANT,
        {
            "i": {
                "orderId": order["id"],
                "userId": str(agent.user_id),
                "role": "SUPPORT",
                "expiresAt": _in(600),
            }
        },
        admin,
    )
    assert renewed["data"]["orderPermissionGrant"]["userErrors"] == []
    cancelled = (await router(CANCEL, {"id": order["id"]}, agent))["data"]["orderCancel"]
    assert cancelled["order"]["status"] == "CANCELLED"
    for bad in ({"expiresAt": _in(-5)}, {"expiresAt": _in(91 * 24 * 3600)}):
        result = await router(
            GRANT, {"i": {"orderId": order["id"], "userId": str(agent.user_id), **bad}}, admin
        )
        assert [e["code"] for e in result["data"]["orderPermissionGrant"]["userErrors"]] == ["BAD_USER_INPUT"]
