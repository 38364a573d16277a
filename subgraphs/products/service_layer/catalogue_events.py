"""What the products subgraph does with its own catalogue events (its consumers' use cases)."""

from __future__ import annotations

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
        """Keep each category's count of ACTIVE products from where events say a product is listed."""
        async with self.uow(claim) as uow:
            await uow.repo.apply_listing_change(listing_deltas(event.listed_in_before, event.listed_in))
            await uow.commit()

    async def retire_cached_answers(self, claim: Claim) -> None:
        """Any catalogue change may move a product in or out of any cached listing."""
        async with self.uow(claim) as uow:
            # Bump, then commit the claim: a bump that fails (Valkey away) leaves the event
            # unclaimed, so it is retried and never lost; a replay only bumps once more.
            await self.cache.invalidate()
            await uow.commit()
