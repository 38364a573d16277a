"""The orders subgraph's consumers: the stock answers of the checkout saga, and the refund
pipeline (`order.returned`: pay the approved return back), the sellers' ledgers and
the audit log of admin overrides."""

from __future__ import annotations

from subgraphs.contracts.audit import AUDIT_TOPIC, OverrideUsed
from subgraphs.contracts.orders import ORDER_TOPIC, OrderReturned
from subgraphs.contracts.products import RESERVATION_TOPIC, StockRejected, StockReserved
from subgraphs.orders.service_layer.services import OrdersServices
from subgraphs.orders.service_layer.settlements import SETTLED_BY
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


async def refund_returns(services: OrdersServices, envelope: Envelope, claim: Claim) -> None:
    event = envelope.event()
    if isinstance(event, OrderReturned):
        await services.return_actions.refund(event, claim)


async def settle_sellers(services: OrdersServices, envelope: Envelope, claim: Claim) -> None:
    event = envelope.event()
    if isinstance(event, SETTLED_BY):  # other order events mean nothing to a ledger: no transaction
        await services.settlements.accrue(event, claim)


async def keep_audit_log(services: OrdersServices, envelope: Envelope, claim: Claim) -> None:
    event = envelope.event()
    if isinstance(event, OverrideUsed):
        await services.overrides.record(envelope.id, event, claim)


CONSUMERS = (
    Consumer("orders-checkout-saga", (RESERVATION_TOPIC,), follow_stock),
    # One order's events share a partition: its refunds run one after the other.
    Consumer("orders-refunds", (ORDER_TOPIC,), refund_returns),
    # The sellers' ledgers follow the same events, one order's in order.
    Consumer("orders-settlements", (ORDER_TOPIC,), settle_sellers),
    Consumer("orders-audit-log", (AUDIT_TOPIC,), keep_audit_log),
)
