"""Serving recommendations: precomputed lists from the cache, shaped by the rules when served.

    for a shopper   what resembles the products they showed most interest in, and what was
                    bought with those; cold start (no history yet): trending
    for a product   also bought (co-purchases), then similar (text, category, brand)
    trending        the weighted interest of the last 24 hours, overall or in a category

Every list is checked against the index when served (a product unlisted since it was computed
is left out) and shaped by the merchandising rules that apply (bundles, pins, boosts, burials,
exclusions), so a rule change shows on the next request.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.platform.kernel.ids import new_id
from subgraphs.search.domain.behaviour import TRENDING_WINDOW
from subgraphs.search.domain.rules import Candidate, Slot, Surface, apply_to_list, shaping
from subgraphs.search.service_layer.discovery_ports import (
    DiscoveryReads,
    RecommendationCache,
    RuleBook,
    SimilarProducts,
)

MAX_RECOMMENDATIONS = 50
POOL = 60  # candidates kept per list, so rules and unlisted products still leave a full page
USER_TTL = 3600
PRODUCT_TTL = 600
TRENDING_TTL = 10  # a sliding window that moves by the hour: ten seconds stale is fresh


class Placement(enum.Enum):
    USER = "USER"
    PRODUCT = "PRODUCT"
    TRENDING = "TRENDING"


@dataclass(frozen=True)
class Served:
    served_id: uuid.UUID
    placement: Placement
    items: list[Candidate]


def user_key(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def product_key(product_id: uuid.UUID) -> str:
    return f"product:{product_id}"


def trending_key(category_id: uuid.UUID | None) -> str:
    return f"trending:{category_id or 'all'}"


@dataclass(frozen=True)
class Recommendations:
    reads: DiscoveryReads
    similar: SimilarProducts
    cache: RecommendationCache
    rules: RuleBook
    clock: Callable[[], datetime]

    async def for_user(self, user_id: uuid.UUID, size: int) -> Served:
        cached = await self.cache.get(user_key(user_id))
        pool = cached.pool
        if pool is None:
            pool = await self.compute_for_user(user_id, cached.stamp)
        return await self._serve(Placement.USER, pool, Slot(Surface.RECOMMENDATIONS), size)

    async def for_product(self, product_id: uuid.UUID, size: int) -> Served:
        cached = await self.cache.get(product_key(product_id))
        pool = cached.pool
        if pool is None:
            pool = await self.compute_for_product(product_id, cached.stamp)
        slot = Slot(Surface.RECOMMENDATIONS, product_id=product_id)
        return await self._serve(Placement.PRODUCT, pool, slot, size, leave_out={product_id})

    async def trending(self, category_id: uuid.UUID | None, size: int) -> Served:
        cached = await self.cache.get(trending_key(category_id))
        pool = cached.pool
        if pool is None:
            pool = await self._trending_pool(category_id)
            await self.cache.put(trending_key(category_id), pool, TRENDING_TTL, cached.stamp)
        slot = Slot(Surface.RECOMMENDATIONS, category_ids=(category_id,) if category_id else ())
        return await self._serve(Placement.TRENDING, pool, slot, size)

    async def compute_for_user(self, user_id: uuid.UUID, stamp: str) -> list[Candidate]:
        """The shopper's list, stored unless the key was dropped since `stamp` was read."""
        liked = await self.reads.top_of_user(user_id, 10)
        pool: list[Candidate] = []
        if liked:
            for rank, (product_id, score) in enumerate(await self.similar.similar(liked, POOL)):
                pool.append(Candidate(product_id, score / (1 + rank * 0.01), "PERSONALIZED"))
            for product_id in liked[:5]:
                for other, count in await self.reads.also_bought(product_id, 10):
                    pool.append(Candidate(other, float(count) * 2, "ALSO_BOUGHT"))
        seen = set(liked)
        pool = _dedupe([c for c in pool if c.product_id not in seen])
        if len(pool) < POOL:  # cold start, or a thin history: trending fills the rest
            pool += [c for c in await self._trending_pool(None) if c.product_id not in seen]
            pool = _dedupe(pool)
        pool = pool[:POOL]
        await self.cache.put(user_key(user_id), pool, USER_TTL, stamp)
        return pool

    async def compute_for_product(self, product_id: uuid.UUID, stamp: str) -> list[Candidate]:
        bought = await self.reads.also_bought(product_id, POOL)
        pool = [Candidate(other, 1000.0 + count, "ALSO_BOUGHT") for other, count in bought]
        pool += [
            Candidate(p, score, "SIMILAR") for p, score in await self.similar.similar([product_id], POOL)
        ]
        pool = _dedupe([c for c in pool if c.product_id != product_id])[:POOL]
        await self.cache.put(product_key(product_id), pool, PRODUCT_TTL, stamp)
        return pool

    async def _trending_pool(self, category_id: uuid.UUID | None) -> list[Candidate]:
        since = self.clock() - TRENDING_WINDOW
        rows = await self.reads.trending(category_id, since, POOL)
        return [Candidate(product_id, float(score), "TRENDING") for product_id, score in rows]

    async def _serve(
        self,
        placement_kind: Placement,
        pool: Sequence[Candidate],
        slot: Slot,
        size: int,
        leave_out: set[uuid.UUID] | None = None,
    ) -> Served:
        size = max(1, min(size, MAX_RECOMMENDATIONS))
        shape = shaping(await self.rules.current(), slot, self.clock())
        shaped = [c for c in apply_to_list(pool, shape, POOL) if c.product_id not in (leave_out or set())]
        shown = await self.similar.visible([c.product_id for c in shaped])
        items = [c for c in shaped if c.product_id in shown][:size]
        return Served(served_id=new_id(), placement=placement_kind, items=items)


def _dedupe(candidates: Sequence[Candidate]) -> list[Candidate]:
    best: dict[uuid.UUID, Candidate] = {}
    for c in candidates:
        if c.product_id not in best or c.score > best[c.product_id].score:
            best[c.product_id] = c
    return sorted(best.values(), key=lambda c: (-c.score, str(c.product_id)))
