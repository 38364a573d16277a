"""The orders domain: the seller order's state machine, pricing a cart again, the split per seller."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from subgraphs.contracts.addresses import Address, InvalidAddress, checked_address
from subgraphs.orders.domain.checkout import (
    CartLineView,
    CartView,
    Checkout,
    CheckoutStage,
    CheckoutStatus,
    Offer,
    ShippingRate,
    priced_lines,
)
from subgraphs.orders.domain.errors import IllegalTransition
from subgraphs.orders.domain.orders import MOVES, Actor, Order, OrderStatus, group_status
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors

HOME = Address(name="Ada", line1="1 Street", city="London", postal_code="N1", country="GB")
S = OrderStatus


def an_order(status: OrderStatus = S.PENDING) -> Order:
    now = utcnow()
    return Order(new_id(), new_id(), new_id(), new_id(), status, "USD", [], 500, HOME, now, now)


@pytest.mark.parametrize(
    ("start", "to", "actor"),
    [
        (S.PENDING, S.PAID, Actor.SYSTEM),
        (S.PAID, S.PROCESSING, Actor.SELLER),
        (S.PAID, S.CANCELLED, Actor.BUYER),
        (S.PROCESSING, S.SHIPPED, Actor.SYSTEM),  # the last line went into a parcel
        (S.PROCESSING, S.CANCELLED, Actor.SELLER),
        (S.SHIPPED, S.DELIVERED, Actor.ADMIN),
        (S.DELIVERED, S.PARTIALLY_RETURNED, Actor.ADMIN),
    ],
)
def test_a_legal_move_changes_the_status_and_records_it(
    start: OrderStatus, to: OrderStatus, actor: Actor
) -> None:
    order = an_order(start)
    change = order.move(to, actor, utcnow(), note="why")
    assert order.status is to
    assert order.version == 2
    assert (change.from_status, change.to_status, change.actor, change.note) == (start, to, actor, "why")
    assert order.history == [change]


@pytest.mark.parametrize(
    ("start", "to", "actor"),
    [
        (S.PENDING, S.PAID, Actor.BUYER),  # only the saga marks an order paid
        (S.PENDING, S.CANCELLED, Actor.BUYER),  # the payment is running: only the saga or an admin
        (S.PAID, S.PROCESSING, Actor.BUYER),
        (S.PROCESSING, S.SHIPPED, Actor.SELLER),  # sellers ship through shipments
        (S.SHIPPED, S.CANCELLED, Actor.BUYER),  # shipped: too late to cancel
        (S.SHIPPED, S.CANCELLED, Actor.ADMIN),
        (S.CANCELLED, S.PAID, Actor.SYSTEM),
        (S.DELIVERED, S.SHIPPED, Actor.ADMIN),
        (S.RETURNED, S.DELIVERED, Actor.ADMIN),
    ],
)
def test_an_illegal_move_is_refused_and_changes_nothing(
    start: OrderStatus, to: OrderStatus, actor: Actor
) -> None:
    order = an_order(start)
    with pytest.raises(IllegalTransition) as refused:
        order.move(to, actor, utcnow())
    assert order.status is start
    assert order.version == 1
    assert order.history == []
    allowed = refused.value.extensions["allowed"]
    assert allowed == sorted(t.value for (f, t), who in MOVES.items() if f is start and actor in who)


def test_nothing_leaves_a_final_state() -> None:
    for final in (S.CANCELLED, S.RETURNED):
        assert not any(f is final for f, _ in MOVES)


def _cart(*lines: tuple[uuid.UUID, int, int]) -> CartView:
    return CartView(
        new_id(),
        3,
        "USD",
        tuple(CartLineView(new_id(), v, new_id(), new_id(), q, price, "USD") for v, q, price in lines),
    )


def _offer(variant_id: uuid.UUID, price: int, available: int, currency: str = "USD") -> Offer:
    return Offer(variant_id, new_id(), new_id(), "SKU", "Shoe", price, currency, available)


def test_pricing_again_reports_every_reason_not_to_charge_the_cart_as_it_stands() -> None:
    gone, moved, short, euro, fine = (new_id() for _ in range(5))
    cart = _cart((gone, 1, 100), (moved, 1, 100), (short, 3, 100), (euro, 1, 100), (fine, 2, 100))
    offers = {
        moved: _offer(moved, 120, 10),
        short: _offer(short, 100, 2),
        euro: _offer(euro, 100, 10, "EUR"),
        fine: _offer(fine, 100, 10),
    }
    lines, problems = priced_lines(cart, offers)
    assert [(p.code, p.field) for p in problems] == [
        ("VARIANT_UNAVAILABLE", "cart.items.0"),
        ("PRICE_CHANGED", "cart.items.1"),
        ("OUT_OF_STOCK", "cart.items.2"),
        ("CURRENCY_MISMATCH", "cart.items.3"),
    ]
    assert problems[1].extensions["currentPrice"] == 120
    assert problems[2].extensions["available"] == 2
    assert [line.variant_id for line in lines] == [moved, short, fine]


def test_a_checkout_splits_into_one_order_per_seller_with_its_own_totals() -> None:
    seller_a, seller_b = new_id(), new_id()
    now = utcnow()
    lines, _ = priced_lines(
        _cart((v1 := new_id(), 2, 1000), (v2 := new_id(), 1, 300), (v3 := new_id(), 1, 700)),
        {
            v1: Offer(v1, new_id(), seller_a, "A1", "a", 1000, "USD", 5),
            v2: Offer(v2, new_id(), seller_b, "B1", "b", 300, "USD", 5),
            v3: Offer(v3, new_id(), seller_a, "A2", "c", 700, "USD", 5),
        },
    )
    rate = ShippingRate(amount=500, free_over=2500)
    shipping = {
        s: rate.charge(sum(x.line_total for x in lines if x.seller_id == s)) for s in (seller_a, seller_b)
    }
    checkout = Checkout(
        new_id(), new_id(), new_id(), 3, "USD", lines, shipping, HOME, "pm", "k", "h", now, now
    )
    orders = checkout.split(now + timedelta(seconds=1))
    assert [o.seller_id for o in orders] == [seller_a, seller_b]
    assert [(o.lines_total, o.shipping_total, o.grand_total) for o in orders] == [
        (2700, 0, 2700),
        (300, 500, 800),
    ]
    assert checkout.grand_total == sum(o.grand_total for o in orders) == 3500
    assert all(o.status is S.PENDING and o.history[0].to_status is S.PENDING for o in orders)
    assert checkout.order_ids == [o.id for o in orders]
    assert checkout.stage is CheckoutStage.RESERVED
    assert checkout.status is CheckoutStatus.PROCESSING


def test_an_address_is_trimmed_and_every_problem_reported_at_once() -> None:
    ok = checked_address(
        {"name": " Ada ", "line1": "1 St", "city": "Paris", "postal_code": "75001", "country": "fr"}, "input"
    )
    assert (ok.name, ok.country, ok.line2) == ("Ada", "FR", None)
    with pytest.raises(InputErrors) as refused:
        checked_address(
            {"name": "", "line1": "x" * 201, "city": "P", "postal_code": "1", "country": "FRA"}, "a"
        )
    assert all(isinstance(e, InvalidAddress) for e in refused.value.errors)
    assert sorted(str(e.field) for e in refused.value.errors) == ["a.country", "a.line1", "a.name"]


def test_a_checkout_is_as_far_along_as_its_slowest_live_order() -> None:
    assert group_status([]) is None
    assert group_status([S.SHIPPED, S.PROCESSING, S.CANCELLED]) is S.PROCESSING
    assert group_status([S.DELIVERED, S.CANCELLED]) is S.DELIVERED
    assert group_status([S.CANCELLED, S.CANCELLED]) is S.CANCELLED
    assert group_status([S.PAID]) is S.PAID
