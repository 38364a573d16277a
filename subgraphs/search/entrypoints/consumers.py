"""The search subgraph's consumers: catalogue events re-index the products they name."""

from __future__ import annotations

from subgraphs.contracts.products import (
    CATALOG_TOPIC,
    INVENTORY_TOPIC,
    PRODUCT_TOPIC,
    CatalogChanged,
    InventoryChanged,
    ProductEvent,
)
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.subgraph import Consumer
from subgraphs.search.service_layer.services import SearchServices


async def index_products(services: SearchServices, envelope: Envelope, claim: Claim) -> None:
    """A product changed (or its stock did): its document follows the catalogue."""
    event = envelope.event()
    if isinstance(event, ProductEvent):
        await services.indexer.refresh([event.product_id], claim, seen_version=event.version)
    elif isinstance(event, InventoryChanged):
        await services.indexer.refresh([event.product_id], claim)
    elif isinstance(event, CatalogChanged):
        if event.kind == "brand":
            await services.indexer.follow_taxonomy(claim, brand_ids=event.ids)
        elif event.kind == "category":
            await services.indexer.follow_taxonomy(claim, category_ids=event.ids)


CONSUMERS = (Consumer("search-indexer", (PRODUCT_TOPIC, INVENTORY_TOPIC, CATALOG_TOPIC), index_products),)
