"""Admin override rules: one admin, one resource, one action, while it lasts."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.orders.domain.overrides import AdminOverride, OverrideAction, ResourceType, check_opening
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id

A = OverrideAction


def test_an_override_grants_only_its_admin_resource_and_action_until_it_ends() -> None:
    now, admin, order = utcnow(), new_id(), new_id()
    override = AdminOverride(
        new_id(),
        admin,
        ResourceType.ORDER,
        order,
        A.ORDER_FORCE_STATUS,
        "why",
        now + timedelta(minutes=5),
        now,
    )
    assert override.grants(admin, order, A.ORDER_FORCE_STATUS, now)
    assert not override.grants(new_id(), order, A.ORDER_FORCE_STATUS, now)
    assert not override.grants(admin, new_id(), A.ORDER_FORCE_STATUS, now)
    assert not override.grants(admin, order, A.RETURN_FORCE_DECISION, now)
    assert not override.grants(admin, order, A.ORDER_FORCE_STATUS, now + timedelta(minutes=5))  # expired
    override.revoked_at = now
    assert not override.grants(admin, order, A.ORDER_FORCE_STATUS, now)


def test_an_override_is_opened_with_a_reason_for_at_most_an_hour_on_its_kind_of_resource() -> None:
    assert check_opening(A.ORDER_FORCE_STATUS, ResourceType.ORDER, "lost parcel", 60) == []
    assert [p.field for p in check_opening(A.ORDER_FORCE_STATUS, ResourceType.RETURN, "", 61)] == [
        "resourceType",
        "reason",
        "minutes",
    ]
    assert [p.field for p in check_opening(A.RETURN_FORCE_DECISION, ResourceType.RETURN, "x" * 501, 0)] == [
        "reason",
        "minutes",
    ]
