"""The products subgraph's consumers of its own catalogue events: each handler calls one use case."""

from __future__ import annotations

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


CONSUMERS = (
    Consumer("products-cache-invalidator", (PRODUCT_TOPIC, CATALOG_TOPIC), retire_cached_answers),
    Consumer("products-category-counter", (PRODUCT_TOPIC,), count_categories),
)
