"""What the products subgraph does with its own catalogue events (its consumers' use cases)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from subgraphs.contracts.products import ProductEvent
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.products.domain.model import listing_deltas
from subgraphs.products.service_layer.ports import CacheNamespace, OpenCatalogUnitOfWork


@dataclass(frozen=True)
class CatalogueFollowers:
    uow: OpenCatalogUnitOfWork
    cache: CacheNamespace

    async def count_listing(self, event: ProductEvent, claim: Claim) -> None:
        """Keep each category's count of ACTIVE products from where events say a product is listed.

        The cache-invalidating consumer bumps the catalogue version on the same event, but it is
        another group and may run first: a reader in between would cache the old count under
        the new version, for good. So a count that moves bumps the version itself, before its
        commit (Valkey away: the event is retried) and after it (a reader may have cached the
        old count meanwhile; best effort, the first bump made the write safe).
        """
        deltas = listing_deltas(event.listed_in_before, event.listed_in)
        async with self.uow(claim) as uow:
            await uow.repo.apply_listing_change(deltas)
            if deltas:
                await self.cache.invalidate()
            await uow.commit()
        if deltas:
            with contextlib.suppress(Exception):
                await self.cache.invalidate()

    async def retire_cached_answers(self, claim: Claim) -> None:
        """Any catalogue change may move a product in or out of any cached listing."""
        async with self.uow(claim) as uow:
            # Bump, then commit the claim: a bump that fails (Valkey away) leaves the event
            # unclaimed, so it is retried and never lost; a replay only bumps once more.
            await self.cache.invalidate()
            await uow.commit()
