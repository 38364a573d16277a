"""A stock reservation's moves: held → sold → restocked, or held → released; never twice."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id
from subgraphs.products.domain.reservations import Reservation, ReservationStatus, StockMove

R = ReservationStatus


def held(quantity: int = 3, expires_in: timedelta = timedelta(minutes=15)) -> Reservation:
    return Reservation(
        new_id(),
        new_id(),
        new_id(),
        new_id(),
        new_id(),
        new_id(),
        new_id(),
        "EU-1",
        quantity,
        R.RESERVED,
        utcnow() + expires_in,
    )


def test_a_sale_takes_the_held_units_off_hand_once() -> None:
    r = held()
    assert r.sell() == StockMove(on_hand=-3, reserved=-3, reason="SOLD")
    assert r.status is R.SOLD
    assert r.sell() is None  # a redelivered payment sells nothing twice


def test_undoing_frees_held_units_or_puts_sold_ones_back_once() -> None:
    freed = held()
    assert freed.undo() == StockMove(on_hand=0, reserved=-3, reason="RELEASED")
    assert freed.undo() is None
    assert freed.sell() is None  # released stock is never sold afterwards
    sold = held()
    sold.sell()
    assert sold.undo() == StockMove(on_hand=3, reserved=0, reason="RESTOCKED")
    assert sold.status is R.RESTOCKED
    assert sold.undo() is None


def test_only_a_held_reservation_past_its_expiry_expires() -> None:
    now = utcnow()
    assert held(expires_in=timedelta(seconds=10)).expire(now) is None
    due = held(expires_in=-timedelta(seconds=1))
    assert due.expire(now) == StockMove(on_hand=0, reserved=-3, reason="RELEASED")
    sold = held(expires_in=-timedelta(seconds=1))
    sold.sell()
    assert sold.expire(now) is None  # sold stock never comes back by expiry
