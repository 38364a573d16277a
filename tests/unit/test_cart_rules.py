"""The cart's pure rules: quantity limits, stock, currency, merging, line problems."""

from __future__ import annotations

import uuid

import pytest

from subgraphs.cart.domain.errors import CartFull, CurrencyMismatch, InsufficientStock, InvalidQuantity
from subgraphs.cart.domain.model import (
    MAX_LINES,
    Cart,
    CartLine,
    CartStatus,
    LineProblem,
    OwnerKind,
    VariantFacts,
    check_fits,
    check_quantity,
    check_stock,
    merged_quantity,
)
from subgraphs.platform.ids import new_id


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


def test_a_cart_keeps_one_currency_and_at_most_100_lines() -> None:
    with pytest.raises(CurrencyMismatch):
        check_fits(cart([line()]), facts(currency="EUR"))
    check_fits(cart([], currency=None), facts(currency="EUR"))
    with pytest.raises(CartFull):
        check_fits(cart([line() for _ in range(MAX_LINES)]), facts())


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
