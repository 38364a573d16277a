"""The search subgraph's consumers: catalogue events re-index the products they name; what
shoppers do feeds recommendations; the recommendation log is persisted in batches."""

from __future__ import annotations

from subgraphs.contracts.cart import CART_TOPIC, WISHLIST_TOPIC, CartItemAdded, WishlistItemAdded
from subgraphs.contracts.orders import ORDER_TOPIC, OrderPaid
from subgraphs.contracts.products import (
    CATALOG_TOPIC,
    INVENTORY_TOPIC,
    PRODUCT_TOPIC,
    CatalogChanged,
    InventoryChanged,
    ProductEvent,
)
from subgraphs.contracts.search import (
    BEHAVIOUR_TOPIC,
    RECOMMENDATION_LOG_TOPIC,
    ProductViewed,
    RecommendationLogged,
)
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.subgraph import BatchConsumer, Consumer
from subgraphs.search.domain.behaviour import Interest
from subgraphs.search.service_layer.discovery_ports import LogEntry
from subgraphs.search.service_layer.services import SearchServices


async def index_products(services: SearchServices, envelope: Envelope, claim: Claim) -> None:
    """A product changed (or its stock did): its document follows the catalogue."""
    event = envelope.event()
    if isinstance(event, ProductEvent):
        await services.indexer.refresh([event.product_id], claim, seen_version=event.version)
    elif isinstance(event, InventoryChanged):
        before = event.available_before
        if before is not None and (before > 0) == (event.available > 0):
            # Free stock stayed on one side of zero: "in stock" cannot have changed. (Checkouts
            # move stock all day; only a sell-out or a restock is news to the index.)
            return
        await services.indexer.refresh([event.product_id], claim)
    elif isinstance(event, CatalogChanged):
        if event.kind == "brand":
            await services.indexer.follow_taxonomy(claim, brand_ids=event.ids)
        elif event.kind == "category":
            await services.indexer.follow_taxonomy(claim, category_ids=event.ids)


async def learn_behaviour(services: SearchServices, envelope: Envelope, claim: Claim) -> None:
    """Views, cart adds, wishlist saves and purchases: trending, affinities, also-bought."""
    event, at, behaviour = envelope.event(), envelope.occurred_at, services.behaviour
    if isinstance(event, ProductViewed):
        await behaviour.interest(claim, event.product_id, event.user_id, Interest.VIEW, event.at)
    elif isinstance(event, CartItemAdded):
        shopper = event.owner_id if event.owner_kind == "USER" else None
        await behaviour.interest(claim, event.product_id, shopper, Interest.CART, at)
    elif isinstance(event, WishlistItemAdded):
        await behaviour.interest(claim, event.product_id, event.owner_id, Interest.WISHLIST, at)
    elif isinstance(event, OrderPaid) and event.product_ids:
        await behaviour.bought(claim, event.checkout_id, event.buyer_id, event.product_ids, at)


async def persist_log(services: SearchServices, envelopes: list[Envelope]) -> None:
    entries = []
    for envelope in envelopes:
        event = envelope.event()
        if isinstance(event, RecommendationLogged):
            entries.append(
                LogEntry(
                    id=event.log_id,
                    kind="SHOWN" if event.TYPE == "recommendation.shown" else "CLICKED",
                    product_id=event.product_id,
                    user_id=event.user_id,
                    placement=event.placement,
                    served_id=event.served_id,
                    rule_id=event.rule_id,
                    at=event.at,
                )
            )
    await services.log_batches.persist(entries)


CONSUMERS = (
    Consumer("search-indexer", (PRODUCT_TOPIC, INVENTORY_TOPIC, CATALOG_TOPIC), index_products),
    Consumer("search-behaviour", (BEHAVIOUR_TOPIC, CART_TOPIC, WISHLIST_TOPIC, ORDER_TOPIC), learn_behaviour),
)
BATCH_CONSUMERS = (BatchConsumer("search-recommendation-log", (RECOMMENDATION_LOG_TOPIC,), persist_log),)
