"""The products subgraph's consumers: its own catalogue events, and the orders saga's (stock)."""

from __future__ import annotations

from subgraphs.contracts.orders import (
    CHECKOUT_TOPIC,
    ORDER_TOPIC,
    CheckoutFailed,
    CheckoutStarted,
    OrderCancelled,
    OrderPaid,
    ReturnReceived,
)
from subgraphs.contracts.products import CATALOG_TOPIC, PRODUCT_TOPIC, ProductEvent
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.subgraph import Consumer
from subgraphs.products.service_layer.services import ProductsServices


async def retire_cached_answers(services: ProductsServices, _envelope: Envelope, claim: Claim) -> None:
    await services.followers.retire_cached_answers(claim)


async def count_categories(services: ProductsServices, envelope: Envelope, claim: Claim) -> None:
    event = envelope.event()
    if isinstance(event, ProductEvent):
        await services.followers.count_listing(event, claim)


async def hold_stock(services: ProductsServices, envelope: Envelope, claim: Claim) -> None:
    """The checkout saga's stock steps: reserve, sell on payment, free on failure or cancel."""
    event = envelope.event()
    stock = services.reservations
    if isinstance(event, CheckoutStarted):
        await stock.reserve_checkout(event, claim)
    elif isinstance(event, CheckoutFailed):
        await stock.undo(event.checkout_id, None, claim)
    elif isinstance(event, OrderPaid):
        await stock.sell(event.checkout_id, event.seller_id, claim)
    elif isinstance(event, OrderCancelled):
        await stock.undo(event.checkout_id, event.seller_id, claim)
    elif isinstance(event, ReturnReceived):
        await stock.take_back(event, claim)


CONSUMERS = (
    Consumer("products-cache-invalidator", (PRODUCT_TOPIC, CATALOG_TOPIC), retire_cached_answers),
    Consumer("products-category-counter", (PRODUCT_TOPIC,), count_categories),
    Consumer("products-stock-reservations", (CHECKOUT_TOPIC, ORDER_TOPIC), hold_stock),
)
