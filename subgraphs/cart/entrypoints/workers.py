"""Background work of the cart subgraph: the outbox relay, and cart lines kept in step with
product price and stock events (then the owners' cached carts dropped)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.cart.adapters import tables
from subgraphs.cart.adapters.cart_cache import CartCache
from subgraphs.cart.adapters.product_sync import refresh_lines
from subgraphs.cart.domain.model import OwnerKind
from subgraphs.cart.graphql.wiring import CARTS, UOW
from subgraphs.cart.service_layer.carts import Carts
from subgraphs.cart.service_layer.ports import Owner
from subgraphs.platform.app import Resources
from subgraphs.platform.events import Event
from subgraphs.platform.kafka import IdempotentConsumer
from subgraphs.platform.retention import bookkeeping_retention, older_than, run_retention
from subgraphs.platform.workers import consumer, run_outbox_relay

log = logging.getLogger(__name__)

CATALOG = "catalog"
# A client retries within minutes; a day covers any offline queue without growing forever.
IDEMPOTENCY_KEYS_KEPT = timedelta(hours=24)
PRODUCT_SYNC_GROUP = "cart-product-sync"
SIGN_IN_MERGE_GROUP = "cart-sign-in-merge"
# The accounts subgraph's user events (sign-ins carry the guest cart to merge).
ACCOUNTS_TOPIC = "accounts.user.v1"
USER_LOGGED_IN = "user.logged_in"
# The products subgraph's topics (its events say which product or variant changed).
PRODUCT_TOPIC = "products.product.v1"
INVENTORY_TOPIC = "products.inventory.v1"


def product_sync(resources: Resources) -> IdempotentConsumer:
    touched: dict[uuid.UUID, set[uuid.UUID]] = {}
    cache = CartCache(resources.redis)

    async def on_event(conn: AsyncConnection, event: Event) -> None:
        catalog = resources.services[CATALOG]
        if event.type == "inventory.changed" and "variantId" in event.data:
            owners = await refresh_lines(conn, catalog, variant_id=uuid.UUID(str(event.data["variantId"])))
        elif event.type.startswith("product.") and "productId" in event.data:
            owners = await refresh_lines(conn, catalog, product_id=uuid.UUID(str(event.data["productId"])))
        else:
            return
        touched[event.id] = owners

    async def after_commit(event: Event) -> None:
        await cache.drop(touched.pop(event.id, set()))

    return consumer(
        resources,
        PRODUCT_SYNC_GROUP,
        [PRODUCT_TOPIC, INVENTORY_TOPIC],
        tables.processed_events,
        on_event,
        after_commit,
    )


def sign_in_merge(resources: Resources) -> IdempotentConsumer:
    """Merges a guest cart into the account's when accounts reports a sign-in that carried one.

    The event holds only the SHA-256 of the guest token (never the token). Merging is idempotent
    (a merged guest cart is no longer active), so a redelivery, or the first signed-in cart call
    that merged it already, leaves nothing to do.
    """

    async def on_event(_conn: AsyncConnection, event: Event) -> None:
        digest = event.data.get("guestCartHash")
        if event.type != USER_LOGGED_IN or not isinstance(digest, str) or "userId" not in event.data:
            return
        try:
            guest = Owner.guest(bytes.fromhex(digest))
        except ValueError:
            log.warning("sign-in event %s has a malformed guest cart hash", event.id)
            return
        user = Owner(uuid.UUID(str(event.data["userId"])), OwnerKind.USER)
        carts: Carts = resources.services[CARTS]
        await carts.merge(resources.services[UOW](), user, guest)

    return consumer(resources, SIGN_IN_MERGE_GROUP, [ACCOUNTS_TOPIC], tables.processed_events, on_event)


def workers(resources: Resources, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    tasks: list[Coroutine[Any, Any, None]] = []
    if resources.settings.run_outbox_relay:
        tasks.append(run_outbox_relay(resources, stop, tables.outbox))
        requests = tables.cart_requests
        expired = older_than(requests.c.created_at, IDEMPOTENCY_KEYS_KEPT)
        tasks.append(run_retention(resources.engine, stop, requests, expired))
        tasks += bookkeeping_retention(resources.engine, stop, tables.outbox, tables.processed_events)
    if resources.settings.run_consumers:
        tasks.append(product_sync(resources).run(stop))
        tasks.append(sign_in_merge(resources).run(stop))
    return tasks
