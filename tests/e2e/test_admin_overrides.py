"""Admin overrides through the router: an admin opens a temporary override on one order (or
return) for one action; while it lasts that admin — no other, on no other resource — passes the
check the rules refuse; expired or revoked it grants nothing; every use lands in the AuditLog
through Kafka, which only admins read and nothing can change."""

from __future__ import annotations

from typing import Any

from tests.conftest import Caller, GraphQLClient
from tests.e2e.shipment_helpers import ship
from tests.e2e.test_order_lifecycle import a_paid_order
from tests.e2e.test_returns import APPROVE, REJECT, a_delivered_order, request
from tests.waiting import eventually

OPEN = """mutation($input: AdminOverrideOpenInput!) { adminOverrideOpen(input: $input) {
  adminOverride { id adminId resourceId action active expiresAt } userErrors { field code } } }"""
REVOKE = """mutation($id: ID!) { adminOverrideRevoke(id: $id) { adminOverride { id active revokedAt } userErrors { code } } }"""
OVERRIDES = (
    """query($f: AdminOverrideFilter) { adminOverrides(filter: $f) { nodes { id resourceId active } } }"""
)
AUDIT = """query($f: AuditLogFilter) { auditLog(filter: $f) { nodes { id userId overrideId action resourceId detail
  reason requestId at } } }"""
MOVE = """mutation($id: ID!, $s: OrderStatus!) { orderUpdateStatus(id: $id, status: $s) {
  order { id status } userErrors { code } } }"""
SCHEMA_MUTATIONS = "{ __schema { mutationType { fields { name } } } }"


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def open_override(
    router: GraphQLClient, admin: Caller, resource_id: str, action: str = "ORDER_FORCE_STATUS", **extra: Any
) -> dict[str, Any]:
    kind = "ORDER" if action == "ORDER_FORCE_STATUS" else "RETURN"
    body = await router(
        OPEN,
        {
            "input": {
                "resourceType": kind,
                "resourceId": resource_id,
                "action": action,
                "reason": "Lost parcel",
                **extra,
            }
        },
        admin,
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["adminOverrideOpen"]
    return payload


async def audited(router: GraphQLClient, admin: Caller, resource_id: str, count: int) -> list[dict[str, Any]]:
    async def there() -> list[dict[str, Any]] | None:
        found = (await router(AUDIT, {"f": {"resourceId": resource_id}}, admin))["data"]["auditLog"]["nodes"]
        return found if len(found) >= count else None

    return await eventually(there, within=20, every=0.2)


async def test_an_override_lets_one_admin_past_the_rules_on_one_order_and_is_audited(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, _, order, _, _ = await a_paid_order(router, make_caller)
    _, _, other_order, _, _ = await a_paid_order(router, make_caller)
    assert (await ship(router, seller, order["id"]))["userErrors"] == []  # SHIPPED
    admin: Caller = make_caller("admin")
    colleague: Caller = make_caller("admin")
    refused = (await router(MOVE, {"id": order["id"], "s": "CANCELLED"}, admin))["data"]["orderUpdateStatus"]
    assert codes(refused) == ["ILLEGAL_TRANSITION"]  # shipped: not even admins cancel

    opened = await open_override(router, admin, order["id"], minutes=10)
    assert opened["userErrors"] == []
    override = opened["adminOverride"]
    assert (override["adminId"], override["active"]) == (str(admin.user_id), True)
    assert codes(
        (await router(MOVE, {"id": order["id"], "s": "CANCELLED"}, colleague))["data"]["orderUpdateStatus"]
    ) == ["ILLEGAL_TRANSITION"]  # another admin: no
    assert codes(
        (await router(MOVE, {"id": other_order["id"], "s": "SHIPPED"}, admin))["data"]["orderUpdateStatus"]
    ) == ["ILLEGAL_TRANSITION"]  # another order: no
    forced = (
        await router(
            MOVE, {"id": order["id"], "s": "CANCELLED"}, admin, headers={"x-request-id": "req-override-1"}
        )
    )["data"]["orderUpdateStatus"]
    assert forced["userErrors"] == []
    assert forced["order"]["status"] == "CANCELLED"
    [entry] = await audited(router, admin, order["id"], 1)
    assert (entry["userId"], entry["overrideId"], entry["action"], entry["detail"], entry["reason"]) == (
        str(admin.user_id),
        override["id"],
        "ORDER_FORCE_STATUS",
        "SHIPPED -> CANCELLED",
        "Lost parcel",
    )
    assert entry["requestId"] == "req-override-1"

    revoked = (await router(REVOKE, {"id": override["id"]}, admin))["data"]["adminOverrideRevoke"]
    assert revoked["adminOverride"]["active"] is False
    assert codes(
        (await router(MOVE, {"id": order["id"], "s": "SHIPPED"}, admin))["data"]["orderUpdateStatus"]
    ) == ["ILLEGAL_TRANSITION"]  # revoked: grants nothing
    active = (await router(OVERRIDES, {"f": {"resourceId": order["id"], "active": True}}, admin))["data"]
    assert active["adminOverrides"]["nodes"] == []


async def test_an_override_on_a_return_decides_it_again(router: GraphQLClient, make_caller: Any) -> None:
    seller, buyer, order, _, _ = await a_delivered_order(router, make_caller)
    admin: Caller = make_caller("admin")
    ret = (await request(router, buyer, order, 1))["return"]
    assert (await router(APPROVE, {"id": ret["id"]}, seller))["data"]["returnApprove"]["userErrors"] == []
    assert codes((await router(REJECT, {"id": ret["id"]}, admin))["data"]["returnReject"]) == [
        "ILLEGAL_TRANSITION"
    ]
    assert (await open_override(router, admin, ret["id"], action="RETURN_FORCE_DECISION"))["userErrors"] == []
    mismatched = await open_override(router, admin, ret["id"], resourceType="RETURN")  # an order's action
    assert codes(mismatched) == ["BAD_USER_INPUT"]
    again = (await router(REJECT, {"id": ret["id"], "note": "Fraud"}, admin))["data"]["returnReject"]
    assert again["return"]["status"] == "REJECTED"
    [entry] = await audited(router, admin, ret["id"], 1)
    assert entry["detail"] == "APPROVED -> REJECTED"


async def test_overrides_are_bounded_admin_only_and_the_log_cannot_be_changed(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    admin: Caller = make_caller("admin")
    assert codes(await open_override(router, admin, order["id"], minutes=61)) == ["BAD_USER_INPUT"]
    assert codes(await open_override(router, admin, order["id"], reason="  ")) == ["BAD_USER_INPUT"]
    assert codes(await open_override(router, admin, "01a00000-0000-7000-8000-000000000000")) == ["NOT_FOUND"]
    for caller in (seller, buyer, None):
        for query, variables in (
            (
                OPEN,
                {
                    "input": {
                        "resourceType": "ORDER",
                        "resourceId": order["id"],
                        "action": "ORDER_FORCE_STATUS",
                        "reason": "x",
                    }
                },
            ),
            (OVERRIDES, {}),
            (AUDIT, {}),
        ):
            body = await router(query, variables, caller)
            assert body["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "UNAUTHENTICATED"}, body
    names = {
        f["name"]
        for f in (await router(SCHEMA_MUTATIONS, {}, admin))["data"]["__schema"]["mutationType"]["fields"]
    }
    assert {n for n in names if "audit" in n.lower()} == set()  # no path changes the log
    opened = (await open_override(router, admin, order["id"], minutes=1))["adminOverride"]
    assert opened["active"] is True  # (expiry: tests/unit/test_override_rules.py)
