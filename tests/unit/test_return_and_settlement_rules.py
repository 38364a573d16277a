"""Return and settlement rules: what may be asked back, what a refund may be, what a seller is
owed and may take out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from subgraphs.orders.domain.orders import Actor, OrderLine
from subgraphs.orders.domain.returns import (
    RETURN_WINDOW,
    Return,
    ReturnLine,
    ReturnReason,
    ReturnStatus,
    refundable,
    return_lines,
    returnable,
)
from subgraphs.orders.domain.settlements import commission, payout_amount
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id

NOW = utcnow()
D = ReturnReason.DAMAGED


def line(quantity: int) -> OrderLine:
    return OrderLine(new_id(), new_id(), new_id(), "SKU", "Thing", quantity, 1000, "USD")


def a_return(item: OrderLine, quantity: int, status: ReturnStatus) -> Return:
    return Return(
        new_id(),
        new_id(),
        new_id(),
        new_id(),
        [ReturnLine(item.id, item.variant_id, quantity, D, 1000)],
        status,
        "USD",
        None,
        [],
        NOW,
        NOW,
    )


def test_only_delivered_units_not_already_asked_back_are_returnable() -> None:
    a = line(3)
    earlier = [a_return(a, 1, ReturnStatus.APPROVED), a_return(a, 1, ReturnStatus.REJECTED)]
    assert returnable([a], {a.id: 2}, earlier) == {a.id: 1}  # 2 delivered, 1 approved; rejected ones free up
    left = returnable([a], {a.id: 2}, earlier)
    lines, problems = return_lines([a], left, [(a.id, 2, D)], NOW, NOW)
    assert lines == []
    assert [(p.code, p.extensions["returnable"]) for p in problems] == [("BAD_USER_INPUT", 1)]
    lines, problems = return_lines([a], left, [(a.id, 1, D)], NOW, NOW)
    assert (problems, [x.quantity for x in lines]) == ([], [1])


def test_the_window_is_thirty_days_from_delivery() -> None:
    a = line(1)
    left = {a.id: 1}
    assert return_lines([a], left, [(a.id, 1, D)], NOW - RETURN_WINDOW + timedelta(minutes=1), NOW)[1] == []
    [closed] = return_lines([a], left, [(a.id, 1, D)], NOW - RETURN_WINDOW - timedelta(minutes=1), NOW)[1]
    assert closed.code == "RETURN_WINDOW_CLOSED"
    assert return_lines([a], left, [(a.id, 1, D)], None, NOW)[1][0].code == "BAD_USER_INPUT"  # not delivered


def test_a_seller_answers_once_and_only_an_admin_overturns_a_rejection() -> None:
    a = line(1)
    r = a_return(a, 1, ReturnStatus.REQUESTED)
    r.move(ReturnStatus.REJECTED, Actor.SELLER, NOW, None, "used")
    with pytest.raises(Exception, match="cannot become APPROVED"):
        r.move(ReturnStatus.APPROVED, Actor.SELLER, NOW, None, None)
    r.move(ReturnStatus.APPROVED, Actor.ADMIN, NOW, None, None)
    with pytest.raises(Exception, match="cannot become REJECTED"):
        r.move(ReturnStatus.REJECTED, Actor.ADMIN, NOW, None, None)  # an approval needs an override
    assert (r.status, r.seller_note, r.version) == (ReturnStatus.APPROVED, "used", 3)


def test_refunds_never_exceed_what_is_left_of_the_capture() -> None:
    assert refundable(1000, 2500, 0) == 1000
    assert refundable(1000, 2500, 2000) == 500
    assert refundable(1000, 2500, 2500) == 0


def test_commission_rounds_half_up_in_integer_minor_units() -> None:
    assert commission(1999, 1000) == 200  # 199.9
    assert commission(5, 1000) == 1  # 0.5 rounds up
    assert commission(4, 1000) == 0
    assert commission(0, 1500) == 0


def test_a_payout_takes_what_is_released_and_never_more() -> None:
    assert payout_amount(None, 700) == 700
    assert payout_amount(300, 700) == 300
    for asked, available in ((701, 700), (None, 0), (0, 700), (-5, 700)):
        with pytest.raises(Exception) as refused:  # noqa: PT011
            payout_amount(asked, available)
        assert getattr(refused.value, "code", None) == "INSUFFICIENT_BALANCE"
