"""Learning from what shoppers do (the behaviour consumer's use cases).

Signals are recorded in PostgreSQL with their events' claims (once, whatever the redeliveries),
a whole poll of views and adds in one transaction; then the lists they change are dropped from
the cache. After a purchase the buyer's list is
computed again at once (best effort: if that fails, the next request computes it); views, cart
and wishlist adds, which come in bursts, leave it to the next request.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.platform.kernel.unit_of_work import Claim, UnitOfWorkFactory
from subgraphs.search.domain.behaviour import Interest, Signal, pairs
from subgraphs.search.service_layer.discovery_ports import DiscoveryWriter, RecommendationCache
from subgraphs.search.service_layer.recommending import Recommendations, product_key, user_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Behaviour:
    uow: UnitOfWorkFactory[DiscoveryWriter]
    cache: RecommendationCache
    recommendations: Recommendations

    async def interests(self, consumer: str, signals: Sequence[tuple[uuid.UUID, Signal]]) -> int:
        """A poll's views, cart and wishlist adds (event id, signal) in one transaction: each
        event counts once, whatever the redeliveries (claimed together with the sums); then
        every shopper's list is dropped in one call. The number of signals that counted."""
        if not signals:
            return 0
        async with self.uow() as uow:
            fresh = await uow.claim_new(consumer, [event_id for event_id, _ in signals])
            counted = [signal for event_id, signal in signals if event_id in fresh]
            if counted:
                await uow.repo.record(counted)
            await uow.commit()
        shoppers = sorted({s.user_id for s in counted if s.user_id is not None})
        if shoppers:
            await self.cache.drop([user_key(u) for u in shoppers])
        return len(counted)

    async def bought(
        self,
        claim: Claim,
        checkout_id: uuid.UUID,
        buyer_id: uuid.UUID,
        product_ids: Sequence[uuid.UUID],
        at: datetime,
    ) -> None:
        bought = sorted(set(product_ids))
        async with self.uow(claim) as uow:
            before = await uow.repo.record_basket(checkout_id, bought)
            await uow.repo.add_pairs(pairs(bought, before), at)
            await uow.repo.record([Signal(p, buyer_id, Interest.ORDER, at) for p in bought])
            await uow.commit()
        await self.cache.drop([product_key(p) for p in {*bought, *before}])
        await self._recompute(buyer_id)

    async def _recompute(self, user_id: uuid.UUID) -> None:
        await self.cache.drop([user_key(user_id)])
        try:
            stamp = (await self.cache.get(user_key(user_id))).stamp
            await self.recommendations.compute_for_user(user_id, stamp)
        except ServiceUnavailable as exc:
            log.warning("could not precompute recommendations (%s); the next request will", exc.code)
