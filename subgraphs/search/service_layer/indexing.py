"""Keeping the index in step with the catalogue: events name products, the catalogue says what
they are now, the index gets the difference.

Events carry ids, not state, so replays and reordering converge: whatever event arrives, the
document written is the product as the catalogue shows it at that moment. Two writers of one
product are serialised by its ledger row (locked in PostgreSQL for the whole step), and each
write carries the row's next revision as its external version, so the engine itself refuses
to let an older document replace a newer one.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.search.domain.documents import SearchDocument
from subgraphs.search.service_layer.ports import (
    Catalog,
    LedgerRow,
    OpenLedgerUnitOfWork,
    ProductIndex,
    QueryCache,
    Versioned,
)

# The products subgraph answers at most this many references per `_entities` call.
BATCH = 50


@dataclass(frozen=True)
class Indexer:
    uow: OpenLedgerUnitOfWork
    catalog: Catalog
    index: ProductIndex
    cache: QueryCache

    async def refresh(
        self,
        product_ids: Sequence[uuid.UUID],
        claim: Claim | None = None,
        *,
        seen_versions: Mapping[uuid.UUID, int] | None = None,
        only_index: str | None = None,
        parallel: int = 1,
    ) -> int:
        """Re-read these products and write what changed; returns how many documents moved.

        `seen_versions`: the product version the triggering events announced, per product; a
        product whose indexed version is newer already is left alone without asking the catalogue.
        `only_index`: a rebuild writes its copy to the new index alone.
        `parallel`: chunks in flight at once (without a claim: each chunk commits on its own).
        """
        ids = list(dict.fromkeys(product_ids))
        chunks = [ids[start : start + BATCH] for start in range(0, max(len(ids), 1), BATCH)]
        seen = seen_versions or {}
        force = only_index is not None
        if claim is not None or parallel <= 1 or len(chunks) == 1:
            changed = 0
            for n, chunk in enumerate(chunks):
                # The claim commits with the last chunk: a crash before it replays everything,
                # which converges (unchanged documents are not written again).
                last = n == len(chunks) - 1
                changed += await self._refresh_chunk(
                    chunk, claim if last else None, seen, only_index, force=force
                )
        else:
            slots = asyncio.Semaphore(parallel)

            async def one(chunk: list[uuid.UUID]) -> int:
                async with slots:
                    return await self._refresh_chunk(chunk, None, seen, only_index, force=force)

            try:
                async with asyncio.TaskGroup() as group:
                    running = [group.create_task(one(chunk)) for chunk in chunks]
            except BaseExceptionGroup as failed:
                raise failed.exceptions[0] from failed  # the first failure, as its own type
            changed = sum(task.result() for task in running)
        if changed:
            await self.cache.bump()
        return changed

    async def _refresh_chunk(
        self,
        ids: list[uuid.UUID],
        claim: Claim | None,
        seen: Mapping[uuid.UUID, int],
        only_index: str | None,
        *,
        force: bool,
    ) -> int:
        async with self.uow(claim) as uow:
            if not ids:
                await uow.commit()
                return 0
            rows = await uow.repo.lock(ids)
            # An old event: the index already holds something newer than it announced.
            ids = [i for i in ids if not (i in seen and rows[i].product_version > seen[i])]
            if not ids:
                await uow.commit()
                return 0
            facts = await self.catalog.facts(ids)
            changes: list[Versioned] = []
            saved: list[LedgerRow] = []
            for product_id in ids:
                row = rows[product_id]
                found = facts.get(product_id)
                if found is None:
                    if row.fingerprint is None and not force:
                        continue  # not indexed, still not visible
                    changes.append(Versioned(product_id, row.revision + 1, None))
                    saved.append(replace(row, revision=row.revision + 1, fingerprint=None))
                    continue
                doc = SearchDocument.from_facts(found)
                fingerprint = doc.fingerprint()
                if fingerprint == row.fingerprint and not force:
                    continue
                changes.append(Versioned(product_id, row.revision + 1, doc))
                saved.append(
                    replace(
                        row,
                        revision=row.revision + 1,
                        product_version=max(row.product_version, doc.product_version),
                        fingerprint=fingerprint,
                        brand_id=doc.brand_id,
                        category_ids=doc.category_ids,
                    )
                )
            if changes:
                # Before the commit: if the write fails, the rows stay as they were and the
                # event is retried; if the commit fails after it, the retry writes the same
                # revision again, which the engine accepts (equal versions may overwrite).
                await self.index.write(changes, only_index=only_index)
                await uow.repo.save(saved)
            await uow.commit()
            return len(changes)

    async def follow_taxonomy(
        self,
        claim: Claim | None,
        *,
        brand_ids: Sequence[uuid.UUID] = (),
        category_ids: Sequence[uuid.UUID] = (),
    ) -> int:
        """A brand or category was renamed or moved: its products' documents carry its name."""
        return await self.refresh(await self.products_with(brand_ids, category_ids), claim)

    async def products_with(
        self, brand_ids: Sequence[uuid.UUID] = (), category_ids: Sequence[uuid.UUID] = ()
    ) -> list[uuid.UUID]:
        """The indexed products of these brands or categories (whose documents carry their names)."""
        async with self.uow() as uow:
            return await uow.repo.products_with(brand_ids=brand_ids, category_ids=category_ids)
