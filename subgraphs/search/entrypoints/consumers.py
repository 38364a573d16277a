"""The search subgraph's consumers: catalogue events re-index the products they name; what
shoppers do feeds recommendations; the recommendation log is persisted in batches."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

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
from subgraphs.platform.faults import unavailable_dependency
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.messaging.batches import Rejected
from subgraphs.platform.subgraph import BatchConsumer, Consumer
from subgraphs.search.domain.behaviour import Interest
from subgraphs.search.service_layer.discovery_ports import LogEntry
from subgraphs.search.service_layer.services import SearchServices

log = logging.getLogger(__name__)
# Chunks of one poll indexed side by side (each: one ledger transaction, one `_entities` call
# to the products subgraph and one bulk write).
INDEXING_PARALLEL = 4


@dataclass
class Named:
    """What a batch of catalogue events asks the indexer to look at again."""

    products: list[uuid.UUID] = field(default_factory=list)
    seen: dict[uuid.UUID, int] = field(default_factory=dict)  # the newest version announced
    versionless: set[uuid.UUID] = field(default_factory=set)
    brands: list[uuid.UUID] = field(default_factory=list)
    categories: list[uuid.UUID] = field(default_factory=list)

    def add(self, envelope: Envelope) -> None:
        event = envelope.event()
        if isinstance(event, ProductEvent):
            self.products.append(event.product_id)
            self.seen[event.product_id] = max(self.seen.get(event.product_id, 0), event.version)
        elif isinstance(event, InventoryChanged):
            before = event.available_before
            if before is not None and (before > 0) == (event.available > 0):
                # Free stock stayed on one side of zero: "in stock" cannot have changed. (Checkouts
                # move stock all day; only a sell-out or a restock is news to the index.)
                return
            self.products.append(event.product_id)
            self.versionless.add(event.product_id)
        elif isinstance(event, CatalogChanged):
            if event.kind == "brand":
                self.brands.extend(event.ids)
            elif event.kind == "category":
                self.categories.extend(event.ids)


async def _index(services: SearchServices, named: Named) -> None:
    products, versionless = list(named.products), set(named.versionless)
    if named.brands or named.categories:
        followed = await services.indexer.products_with(brand_ids=named.brands, category_ids=named.categories)
        products += followed
        versionless.update(followed)
    # A product also named by an event without a version is always read again.
    seen = {p: v for p, v in named.seen.items() if p not in versionless}
    await services.indexer.refresh(products, seen_versions=seen, parallel=INDEXING_PARALLEL)


async def index_products(services: SearchServices, envelopes: list[Envelope]) -> Rejected:
    """Products changed (or their stock did, or their brand's or category's name): their
    documents follow the catalogue, a whole poll at once.

    No claim per event: indexing is idempotent by construction (the current state is read and
    written under the next revision; an unchanged document is not written), so a redelivered
    batch converges on the same index. If the batch fails for another reason than an outage,
    its events are applied one at a time and only those that fail are set aside."""
    named = Named()
    for envelope in envelopes:
        named.add(envelope)
    try:
        await _index(services, named)
        return ()
    except Exception as exc:
        if unavailable_dependency(exc) is not None:
            raise  # retried whole until the service is back
        log.warning("an indexing batch failed (%s); applying its events one at a time", exc)
    rejected: list[tuple[Envelope, Exception]] = []
    for envelope in envelopes:
        one = Named()
        one.add(envelope)
        try:
            await _index(services, one)
        except Exception as exc:
            if unavailable_dependency(exc) is not None:
                raise
            rejected.append((envelope, exc))
    return rejected


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
    Consumer("search-behaviour", (BEHAVIOUR_TOPIC, CART_TOPIC, WISHLIST_TOPIC, ORDER_TOPIC), learn_behaviour),
)
BATCH_CONSUMERS = (
    BatchConsumer("search-indexer", (PRODUCT_TOPIC, INVENTORY_TOPIC, CATALOG_TOPIC), index_products),
    BatchConsumer("search-recommendation-log", (RECOMMENDATION_LOG_TOPIC,), persist_log),
)
