"""Shipment rules: what a parcel may hold, and how carrier scans that arrive late, twice or out of
order settle its status."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from subgraphs.orders.domain.orders import OrderLine
from subgraphs.orders.domain.shipments import (
    Carrier,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    TrackingEvent,
    all_delivered,
    fully_shipped,
    parcel_lines,
)
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id

S = ShipmentStatus
NOW = utcnow()


def line(quantity: int) -> OrderLine:
    return OrderLine(new_id(), new_id(), new_id(), "SKU", "Thing", quantity, 100, "USD")


def parcel(lines: list[ShipmentLine], status: ShipmentStatus = S.LABEL_CREATED) -> Shipment:
    return Shipment(
        new_id(), new_id(), new_id(), new_id(), Carrier.DHL, "EXPRESS", "JD01", lines, status, NOW, NOW
    )


def scan(status: ShipmentStatus, hours: float, event_id: str | None = None) -> TrackingEvent:
    return TrackingEvent(event_id or f"{status.value}-{hours}", status, NOW + timedelta(hours=hours))


def test_a_parcel_takes_what_is_left_and_no_more() -> None:
    a, b = line(3), line(1)
    earlier = [parcel([ShipmentLine(a.id, 2)])]
    lines, problems = parcel_lines([a, b], earlier, [(a.id, 1), (b.id, 1)])
    assert problems == []
    assert lines == [ShipmentLine(a.id, 1), ShipmentLine(b.id, 1)]
    _, problems = parcel_lines([a, b], earlier, [(a.id, 2)])
    assert [(p.code, p.field, p.extensions["remaining"]) for p in problems] == [
        ("ALREADY_SHIPPED", "items.0.quantity", 1)
    ]
    _, problems = parcel_lines([a, b], earlier, [(new_id(), 1), (b.id, 0), (b.id, 1)])
    assert [p.code for p in problems] == ["NOT_FOUND", "BAD_USER_INPUT", "BAD_USER_INPUT"]


def test_an_empty_request_ships_everything_left_and_then_nothing() -> None:
    a, b = line(3), line(1)
    earlier = [parcel([ShipmentLine(a.id, 2)])]
    lines, problems = parcel_lines([a, b], earlier, [])
    assert (lines, problems) == ([ShipmentLine(a.id, 1), ShipmentLine(b.id, 1)], [])
    assert not fully_shipped([a, b], earlier)
    done = [*earlier, parcel(lines)]
    assert fully_shipped([a, b], done)
    assert [p.code for p in parcel_lines([a, b], done, [])[1]] == ["ALREADY_SHIPPED"]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_scans_in_any_order_and_twice_end_in_the_latest_status(order: tuple[int, ...]) -> None:
    events = [scan(S.IN_TRANSIT, 1), scan(S.OUT_FOR_DELIVERY, 2), scan(S.DELIVERED, 3)]
    shipment, known = parcel([]), set()
    for index in [*order, *order]:
        event = events[index]
        shipment.track(event, event.event_id in known)
        known.add(event.event_id)
    assert shipment.status.value == "DELIVERED"
    assert shipment.delivered_at == events[2].at
    assert shipment.version == 1 + 3  # each scan counted once


def test_delivered_is_never_taken_back_and_an_exception_recovers() -> None:
    shipment = parcel([])
    shipment.track(scan(S.IN_TRANSIT, 1), False)
    shipment.track(scan(S.EXCEPTION, 2), False)
    assert shipment.status is S.EXCEPTION
    shipment.track(scan(S.IN_TRANSIT, 1.5), False)  # an older scan arriving late
    assert shipment.status is S.EXCEPTION
    shipment.track(scan(S.OUT_FOR_DELIVERY, 3), False)
    assert shipment.status.value == "OUT_FOR_DELIVERY"
    shipment.track(scan(S.DELIVERED, 4), False)
    shipment.track(scan(S.IN_TRANSIT, 5), False)  # a stray later scan
    assert shipment.status.value == "DELIVERED"


def test_an_order_is_delivered_when_every_line_is_shipped_and_every_parcel_delivered() -> None:
    a = line(2)
    one = parcel([ShipmentLine(a.id, 1)], S.DELIVERED)
    assert not all_delivered([a], [one])
    two = parcel([ShipmentLine(a.id, 1)], S.IN_TRANSIT)
    assert not all_delivered([a], [one, two])
    two.status = S.DELIVERED
    assert all_delivered([a], [one, two])
