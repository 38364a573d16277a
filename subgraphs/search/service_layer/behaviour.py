"""Learning from what shoppers do (the behaviour consumer's use cases).

The signal is recorded in PostgreSQL with the event's claim (once, whatever the redeliveries);
then the lists it changes are dropped from the cache. After a purchase the buyer's list is
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

    async def interest(
        self, claim: Claim, product_id: uuid.UUID, user_id: uuid.UUID | None, interest: Interest, at: datetime
    ) -> None:
        async with self.uow(claim) as uow:
            await uow.repo.record([Signal(product_id, user_id, interest, at)])
            await uow.commit()
        if user_id is not None:
            # Views and cart adds come in bursts: the list is dropped and computed again by the
            # next request (then cached), not once per signal.
            await self.cache.drop([user_key(user_id)])

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
