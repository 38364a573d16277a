"""A poll of views and cart adds is learnt in one transaction on real PostgreSQL: each event
counts once however often the poll is redelivered, and shoppers' lists are dropped."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.contracts.cart import CartItemAdded
from subgraphs.contracts.search import ProductViewed
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.search.adapters import tables
from subgraphs.search.adapters.unit_of_work import search_unit_of_work
from subgraphs.search.entrypoints.consumers import learn_behaviour
from subgraphs.search.service_layer.behaviour import Behaviour
from subgraphs.search.service_layer.recommending import user_key


class DroppedLists:
    def __init__(self) -> None:
        self.dropped: list[list[str]] = []

    async def drop(self, keys: list[str]) -> None:
        self.dropped.append(sorted(keys))


def _envelope(event: Any) -> Envelope:
    return Envelope.from_json(Envelope.wrap(event).to_json())


async def test_a_redelivered_poll_counts_each_event_once(search_database: AsyncEngine) -> None:
    product, shopper = uuid.uuid4(), uuid.uuid4()
    async with (
        search_database.begin() as conn
    ):  # the product is in the index (signals about others are dropped)
        await conn.execute(insert(tables.indexed_products).values(product_id=product, fingerprint="f"))
    now = datetime.now(UTC)
    poll = [
        _envelope(ProductViewed(product_id=product, user_id=shopper, at=now)),
        _envelope(ProductViewed(product_id=product, user_id=None, at=now)),
        _envelope(
            CartItemAdded(
                owner_id=shopper,
                owner_kind="USER",
                cart_id=uuid.uuid4(),
                line_id=uuid.uuid4(),
                variant_id=uuid.uuid4(),
                product_id=product,
                seller_id=uuid.uuid4(),
                quantity=1,
                unit_price=1999,
                currency="USD",
                version=2,
            )
        ),
    ]
    lists = DroppedLists()
    behaviour = Behaviour(search_unit_of_work(search_database), lists, recommendations=None)  # type: ignore[arg-type]
    services: Any = SimpleNamespace(behaviour=behaviour)
    assert await learn_behaviour(services, poll) == ()
    assert await learn_behaviour(services, poll) == ()  # redelivered whole
    assert await learn_behaviour(services, poll[1:]) == ()  # and in part

    async with search_database.connect() as conn:
        activity = (
            await conn.execute(
                select(func.sum(tables.product_activity.c.score)).where(
                    tables.product_activity.c.product_id == product
                )
            )
        ).scalar_one()
        affinity = (
            await conn.execute(
                select(tables.user_affinity.c.score).where(tables.user_affinity.c.user_id == shopper)
            )
        ).scalar_one()
    assert activity == 1 + 1 + 3  # two views and a cart add, once each
    assert affinity == 1 + 3  # the anonymous view is trending only
    assert lists.dropped == [[user_key(shopper)]]  # once: the redeliveries counted nothing
