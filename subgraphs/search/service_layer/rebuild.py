"""A full reindex into a new index, then one atomic switch of the readers' alias.

No update is lost while it runs: the new index is reachable by live writes before the first
product is copied (the indexer resolves its targets right before each write, after reading
the catalogue), and the copy takes the same per-product ledger lock as live writes, so for
every product the new index ends with the newest state either writer saw.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.search.service_layer.indexing import BATCH, Indexer
from subgraphs.search.service_layer.ports import Catalog, ProductIndex

RETRIES = 5


@dataclass(frozen=True)
class RebuildReport:
    index: str
    products: int


@dataclass(frozen=True)
class Rebuild:
    indexer: Indexer
    catalog: Catalog
    index: ProductIndex

    # Pages copied side by side: each waits mostly on the catalogue and the engine.
    parallel: int = 4

    async def run(self, progress: Callable[[int], None] = lambda _: None) -> RebuildReport:
        new_index = await self.index.begin_rebuild()
        copied = 0
        slots = asyncio.Semaphore(self.parallel)

        async def copy(ids: list[uuid.UUID]) -> None:
            nonlocal copied
            try:
                for attempt in range(RETRIES + 1):
                    try:
                        await self.indexer.refresh(ids, only_index=new_index)
                        break
                    except ServiceUnavailable:
                        # A busy engine or catalogue: the page is retried, the rebuild goes on.
                        if attempt == RETRIES:
                            raise
                        await asyncio.sleep(0.5 * 2**attempt)
                copied += len(ids)
                progress(len(ids))
            finally:
                slots.release()

        try:
            async with asyncio.TaskGroup() as group:
                after: str | None = None
                while True:
                    ids, after = await self.catalog.listed(after, BATCH * 2)
                    if ids:
                        await slots.acquire()
                        group.create_task(copy(ids))
                    if after is None:
                        break
        except BaseException as exc:
            await self.index.abandon_rebuild(new_index)
            if isinstance(exc, BaseExceptionGroup):
                raise exc.exceptions[0] from exc  # the first failure, as its own type
            raise
        await self.index.finish_rebuild(new_index)
        return RebuildReport(index=new_index, products=copied)
