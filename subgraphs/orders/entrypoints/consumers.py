"""The orders subgraph's consumers: the stock answers of the checkout saga."""

from __future__ import annotations

from subgraphs.contracts.products import RESERVATION_TOPIC, StockRejected, StockReserved
from subgraphs.orders.service_layer.services import OrdersServices
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.subgraph import Consumer


async def follow_stock(services: OrdersServices, envelope: Envelope, claim: Claim) -> None:
    """Stock held: create the orders and take the payment. Stock short: fail the checkout."""
    event = envelope.event()
    if isinstance(event, StockReserved):
        await services.saga.stock_reserved(event, claim)
    elif isinstance(event, StockRejected):
        await services.saga.stock_rejected(event, claim)


CONSUMERS = (Consumer("orders-checkout-saga", (RESERVATION_TOPIC,), follow_stock),)
