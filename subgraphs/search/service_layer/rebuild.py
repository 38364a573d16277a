"""A full reindex into a new index, then one atomic switch of the readers' alias.

No update is lost while it runs: the new index is reachable by live writes before the first
product is copied (the indexer resolves its targets right before each write, after reading
the catalogue), and the copy takes the same per-product ledger lock as live writes, so for
every product the new index ends with the newest state either writer saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from subgraphs.search.service_layer.indexing import BATCH, Indexer
from subgraphs.search.service_layer.ports import Catalog, ProductIndex


@dataclass(frozen=True)
class RebuildReport:
    index: str
    products: int


@dataclass(frozen=True)
class Rebuild:
    indexer: Indexer
    catalog: Catalog
    index: ProductIndex

    async def run(self, progress: Callable[[int], None] = lambda _: None) -> RebuildReport:
        new_index = await self.index.begin_rebuild()
        copied = 0
        try:
            after: str | None = None
            while True:
                ids, after = await self.catalog.listed(after, BATCH * 2)
                if ids:
                    await self.indexer.refresh(ids, only_index=new_index)
                    copied += len(ids)
                    progress(len(ids))
                if after is None:
                    break
        except BaseException:
            await self.index.abandon_rebuild(new_index)
            raise
        await self.index.finish_rebuild(new_index)
        return RebuildReport(index=new_index, products=copied)
