"""The search subgraph's consumers: catalogue events re-index the products they name; what
shoppers do feeds recommendations; the recommendation log is persisted in batches."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
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
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim
from subgraphs.platform.messaging.batches import Rejected
from subgraphs.platform.subgraph import BatchConsumer
from subgraphs.search.domain.behaviour import Interest, Signal
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


async def _whole_or_one_by_one(
    envelopes: list[Envelope], apply: Callable[[list[Envelope]], Awaitable[None]], what: str
) -> Rejected:
    """A poll applied whole. If that fails for another reason than an outage, its events are
    applied one at a time and only those that fail are set aside; an outage is retried whole
    until the service is back."""
    try:
        await apply(envelopes)
        return ()
    except Exception as exc:
        if unavailable_dependency(exc) is not None:
            raise
        log.warning("a %s batch failed (%s); applying its events one at a time", what, exc)
    rejected: list[tuple[Envelope, Exception]] = []
    for envelope in envelopes:
        try:
            await apply([envelope])
        except Exception as exc:
            if unavailable_dependency(exc) is not None:
                raise
            rejected.append((envelope, exc))
    return rejected


async def index_products(services: SearchServices, envelopes: list[Envelope]) -> Rejected:
    """Products changed (or their stock did, or their brand's or category's name): their
    documents follow the catalogue, a whole poll at once.

    No claim per event: indexing is idempotent by construction (the current state is read and
    written under the next revision; an unchanged document is not written), so a redelivered
    batch converges on the same index."""

    async def index(batch: list[Envelope]) -> None:
        named = Named()
        for envelope in batch:
            named.add(envelope)
        await _index(services, named)

    return await _whole_or_one_by_one(envelopes, index, "indexing")


BEHAVIOUR_GROUP = "search-behaviour"


def _signal(envelope: Envelope) -> Signal | None:
    """A view, cart add or wishlist save as a signal (None for any other event)."""
    event = envelope.event()
    if isinstance(event, ProductViewed):
        return Signal(event.product_id, event.user_id, Interest.VIEW, event.at)
    if isinstance(event, CartItemAdded):
        shopper = event.owner_id if event.owner_kind == "USER" else None
        return Signal(event.product_id, shopper, Interest.CART, envelope.occurred_at)
    if isinstance(event, WishlistItemAdded):
        return Signal(event.product_id, event.owner_id, Interest.WISHLIST, envelope.occurred_at)
    return None


async def _bought(services: SearchServices, envelope: Envelope) -> None:
    event = envelope.event()
    if isinstance(event, OrderPaid) and event.product_ids:
        claim = Claim(BEHAVIOUR_GROUP, envelope.id)
        with contextlib.suppress(AlreadyProcessed):
            await services.behaviour.bought(
                claim, event.checkout_id, event.buyer_id, event.product_ids, envelope.occurred_at
            )


async def learn_behaviour(services: SearchServices, envelopes: list[Envelope]) -> Rejected:
    """Views, cart adds, wishlist saves and purchases: trending, affinities, also-bought.

    A poll's views and adds are summed in one transaction (they come in bursts: one statement
    per product hour and per shopper's product, whatever the number of events); a purchase is
    applied on its own (its basket and pairs)."""

    async def learn(batch: list[Envelope]) -> None:
        signals = [(e.id, signal) for e in batch if (signal := _signal(e)) is not None]
        await services.behaviour.interests(BEHAVIOUR_GROUP, signals)
        for envelope in batch:
            await _bought(services, envelope)

    return await _whole_or_one_by_one(envelopes, learn, "behaviour")


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


BATCH_CONSUMERS = (
    BatchConsumer(
        BEHAVIOUR_GROUP, (BEHAVIOUR_TOPIC, CART_TOPIC, WISHLIST_TOPIC, ORDER_TOPIC), learn_behaviour
    ),
    BatchConsumer("search-indexer", (PRODUCT_TOPIC, INVENTORY_TOPIC, CATALOG_TOPIC), index_products),
    BatchConsumer("search-recommendation-log", (RECOMMENDATION_LOG_TOPIC,), persist_log),
)
