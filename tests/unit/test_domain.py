from __future__ import annotations

import pytest

from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.money import Money, validate_amount, validate_currency
from subgraphs.products.domain.errors import InsufficientStock
from subgraphs.products.domain.model import (
    InventoryItem,
    id_from_product_slug,
    listing_deltas,
    product_slug,
    slugify,
    validate_sku,
    validate_title,
)


def item(on_hand: int, reserved: int = 0) -> InventoryItem:
    return InventoryItem(new_id(), new_id(), new_id(), "EU-1", on_hand, reserved)


def test_stock_goes_up_and_down() -> None:
    stock = item(5)
    stock.adjust(+3)
    stock.adjust(-8)
    assert stock.on_hand == 0


def test_stock_never_goes_negative() -> None:
    stock = item(2)
    with pytest.raises(InsufficientStock):
        stock.adjust(-3)
    assert stock.on_hand == 2


def test_stock_never_drops_below_what_is_reserved() -> None:
    stock = item(5, reserved=4)
    with pytest.raises(InsufficientStock):
        stock.adjust(-2)
    assert stock.available == 1


def test_a_zero_delta_is_refused() -> None:
    with pytest.raises(BadUserInput):
        item(1).adjust(0)


def test_a_product_slug_carries_its_id() -> None:
    product_id = new_id()
    slug = product_slug("Ultra Red Sneakers!", product_id)
    assert slug.startswith("ultra-red-sneakers-")
    assert id_from_product_slug(slug) == product_id


@pytest.mark.parametrize("slug", ["", "no-id-here-!!", "x-" + "z" * 30])
def test_a_slug_without_a_valid_id_resolves_to_nothing(slug: str) -> None:
    assert id_from_product_slug(slug) is None


def test_slugify_strips_accents_and_symbols() -> None:
    assert slugify("Crème Brûlée & Co.") == "creme-brulee-co"


@pytest.mark.parametrize("sku", ["", "-starts-with-dash", "has space", "x" * 101])
def test_bad_skus_are_refused(sku: str) -> None:
    with pytest.raises(BadUserInput):
        validate_sku(sku)


def test_titles_are_trimmed_and_must_not_be_blank() -> None:
    assert validate_title("  Red   Shoes ") == "Red Shoes"
    with pytest.raises(BadUserInput):
        validate_title("   ")


def test_prices_must_be_non_negative_minor_units() -> None:
    assert validate_amount(0) == 0
    with pytest.raises(BadUserInput):
        validate_amount(-1)


def test_currencies_are_iso_codes() -> None:
    assert validate_currency("EUR") == "EUR"
    for bad in ("eur", "EURO", "E1R"):
        with pytest.raises(BadUserInput):
            validate_currency(bad)


def test_money_knows_its_minor_unit() -> None:
    assert str(Money(1999, "USD").decimal) == "19.99"
    assert str(Money(500, "JPY").decimal) == "500"


def test_listing_changes_move_counts_between_categories() -> None:
    a, b = new_id(), new_id()
    assert listing_deltas(None, a) == [(a, 1)]
    assert listing_deltas(a, None) == [(a, -1)]
    assert listing_deltas(a, b) == [(a, -1), (b, 1)]
    assert listing_deltas(a, a) == []
    assert listing_deltas(None, None) == []
