"""The cart's pure rules: quantity limits, stock, currency, merging, line problems."""

from __future__ import annotations

import uuid

import pytest

from subgraphs.cart.domain.cart import Cart, LineRequest, merged_quantity
from subgraphs.cart.domain.errors import InsufficientStock, InvalidQuantity
from subgraphs.cart.domain.model import (
    MAX_LINES,
    CartLine,
    CartStatus,
    LineProblem,
    OwnerKind,
    VariantFacts,
    check_quantity,
    check_stock,
)
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors


def facts(available: int = 10, price: int = 500, currency: str = "USD") -> VariantFacts:
    return VariantFacts(new_id(), new_id(), new_id(), price, currency, available)


def line(quantity: int = 1, available: int = 10, price: int = 500, at_add: int = 500) -> CartLine:
    return CartLine(new_id(), new_id(), new_id(), new_id(), quantity, price, at_add, "USD", available)


def cart(lines: list[CartLine], currency: str | None = "USD") -> Cart:
    return Cart(new_id(), uuid.uuid4(), OwnerKind.USER, CartStatus.ACTIVE, 1, currency, lines)


@pytest.mark.parametrize("quantity", [0, -1, 100])
def test_quantities_outside_1_to_99_are_refused(quantity: int) -> None:
    with pytest.raises(InvalidQuantity):
        check_quantity(quantity)


def test_more_than_the_stock_is_refused_and_says_how_many_are_left() -> None:
    with pytest.raises(InsufficientStock) as raised:
        check_stock(6, 5)
    assert raised.value.extensions["available"] == 5
    check_stock(5, 5)


def adding(cart: Cart, *found: VariantFacts, quantity: int = 1) -> list[str]:
    """The codes an add of these variants is refused with ([] when it was accepted)."""
    try:
        cart.add(
            [LineRequest(f.variant_id, quantity) for f in found], {f.variant_id: f for f in found}, utcnow()
        )
    except InputErrors as exc:
        return [e.code for e in exc.errors]
    return []


def test_a_cart_keeps_one_currency_and_at_most_100_lines() -> None:
    assert adding(cart([line()]), facts(currency="EUR")) == ["CURRENCY_MISMATCH"]
    assert adding(cart([], currency=None), facts(currency="EUR")) == []
    assert adding(cart([line() for _ in range(MAX_LINES)]), facts()) == ["CART_FULL"]
    # Within one request too: the second of two new currencies is refused.
    assert adding(cart([], currency=None), facts(currency="EUR"), facts(currency="USD")) == [
        "CURRENCY_MISMATCH"
    ]


def test_a_refused_add_leaves_the_cart_as_it_was_and_records_nothing() -> None:
    before = cart([line()])
    lines, version = list(before.lines), before.version
    assert adding(before, facts(), facts(available=0)) == ["INSUFFICIENT_STOCK"]
    assert (before.lines, before.version, before.events) == (lines, version, [])


def test_adding_a_variant_again_adds_to_its_line_and_each_change_moves_the_version() -> None:
    the_cart, variant = cart([], currency=None), facts(available=10)
    assert adding(the_cart, variant, quantity=2) == []
    assert adding(the_cart, variant, quantity=3) == []
    assert [x.quantity for x in the_cart.lines] == [5]
    assert the_cart.version == 3
    events = the_cart.pull_events()
    assert [(e.TYPE, e.quantity, e.version) for e in events] == [  # type: ignore[attr-defined]
        ("cart.item_added", 2, 2),
        ("cart.item_added", 5, 3),
    ]
    assert the_cart.events == []


def test_raising_a_quantity_needs_stock_but_lowering_it_does_not() -> None:
    existing = line(quantity=4, available=4)
    the_cart = cart([existing])
    short = VariantFacts(existing.variant_id, existing.product_id, existing.seller_id, 500, "USD", 2)
    with pytest.raises(InputErrors) as refused:
        the_cart.update([(existing.id, 5)], {existing.variant_id: short}, utcnow())
    assert [e.code for e in refused.value.errors] == ["INSUFFICIENT_STOCK"]
    change = the_cart.update([(existing.id, 1)], {existing.variant_id: short}, utcnow())
    assert [(x.quantity, x.available) for x in change.changed] == [(1, 2)]


def test_merging_a_guest_cart_moves_its_lines_and_marks_it_merged() -> None:
    mine, shared = line(quantity=2), line(quantity=1)
    guest = cart(
        [CartLine(new_id(), mine.variant_id, mine.product_id, mine.seller_id, 3, 500, 500, "USD", 10), shared]
    )
    user = cart([mine])
    found = {
        x.variant_id: VariantFacts(x.variant_id, x.product_id, x.seller_id, 500, "USD", 10)
        for x in guest.lines
    }
    outcome = user.merge_from(guest, found, utcnow())
    assert sorted(x.quantity for x in user.lines) == [1, 5]
    assert (outcome.merged_lines, outcome.adjustments, guest.status) == (2, [], CartStatus.MERGED)
    assert [e.TYPE for e in user.pull_events()] == ["cart.merged"]


@pytest.mark.parametrize(
    ("existing", "incoming", "available", "expected"),
    [
        (2, 3, 10, (5, None)),
        (3, 4, 5, (5, "STOCK")),
        (60, 60, 500, (99, "LINE_LIMIT")),
        (7, 2, 5, (7, "STOCK")),  # stock fell below what the user had: their line is not cut
    ],
)
def test_merging_sums_then_caps_by_line_limit_and_stock(
    existing: int, incoming: int, available: int, expected: tuple[int, str | None]
) -> None:
    assert merged_quantity(existing, incoming, facts(available=available)) == expected


def test_merging_a_vanished_variant_keeps_the_users_quantity() -> None:
    assert merged_quantity(2, 3, None) == (2, "UNAVAILABLE")


def test_lines_report_their_problems() -> None:
    assert line().problems == []
    assert line(quantity=3, available=2).problems == [LineProblem.INSUFFICIENT_STOCK]
    assert line(available=0).problems == [LineProblem.OUT_OF_STOCK]
    assert line(price=400, at_add=500).problems == [LineProblem.PRICE_CHANGED]
    gone = line().refreshed(None)
    assert gone.problems == [LineProblem.VARIANT_UNAVAILABLE]
    assert gone.quantity == 1  # flagged, not lost
    back = gone.refreshed(facts(available=3, price=450))
    assert (back.unavailable, back.unit_price, back.available) == (False, 450, 3)
