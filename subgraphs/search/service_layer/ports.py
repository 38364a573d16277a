"""What the search use cases need from the world: the index, the catalogue, the ledger, a cache."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from subgraphs.platform.kernel.unit_of_work import UnitOfWorkFactory
from subgraphs.search.domain.documents import ProductFacts, SearchDocument
from subgraphs.search.domain.query import SearchRequest
from subgraphs.search.domain.results import SearchCursor, SearchPage, Suggestion
from subgraphs.search.domain.rules import Shaping
from subgraphs.search.service_layer.discovery_ports import DiscoveryWriter


@dataclass(frozen=True)
class Versioned:
    """A document (or a removal, when `document` is None) with the version it is written at."""

    product_id: uuid.UUID
    version: int
    document: SearchDocument | None


class ProductIndex(Protocol):
    async def write(self, changes: Sequence[Versioned], *, only_index: str | None = None) -> None:
        """Apply to every index being read or built (or only `only_index`); an older version
        never replaces a newer one."""

    async def search(
        self, request: SearchRequest, cursor: SearchCursor | None, shape: Shaping | None = None
    ) -> SearchPage:
        """The page; `shape`: what the merchandising rules that apply ask of it."""

    async def suggest(self, prefix: str, size: int) -> list[Suggestion]: ...

    async def count(self) -> int | None:
        """Documents the readers' index holds (None: there is no index yet)."""

    async def begin_rebuild(self) -> str:
        """A new, empty index that live writes reach from now on; returns its name."""

    async def finish_rebuild(self, index: str) -> None:
        """Readers move to `index` in one step; the index it replaces is dropped."""

    async def abandon_rebuild(self, index: str) -> None: ...


class Catalog(Protocol):
    async def facts(self, product_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductFacts]:
        """The visible products among these ids (the others are hidden or gone)."""

    async def listed(self, after: str | None, size: int) -> tuple[list[uuid.UUID], str | None]:
        """One page of every visible product's id, and the cursor of the next (None at the end)."""

    async def count_listed(self) -> int | None: ...


@dataclass(frozen=True)
class LedgerRow:
    """What the index holds for a product: the version it was last written at and its content."""

    product_id: uuid.UUID
    revision: int
    product_version: int
    fingerprint: str | None  # None: not in the index
    brand_id: uuid.UUID | None = None
    category_ids: tuple[uuid.UUID, ...] = ()


class IndexLedger(Protocol):
    async def lock(self, product_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, LedgerRow]:
        """Each product's row, created when missing, locked until the unit of work ends: one
        writer per product at a time, across processes."""

    async def save(self, rows: Sequence[LedgerRow]) -> None: ...

    async def products_with(
        self, *, brand_ids: Sequence[uuid.UUID] = (), category_ids: Sequence[uuid.UUID] = ()
    ) -> list[uuid.UUID]: ...


OpenLedgerUnitOfWork = UnitOfWorkFactory[IndexLedger]


class SearchRepository(IndexLedger, DiscoveryWriter, Protocol):
    """Everything the search subgraph writes, in one transaction."""


OpenSearchUnitOfWork = UnitOfWorkFactory[SearchRepository]


class QueryCache(Protocol):
    """First pages of searches, under the index version they were computed at."""

    async def version(self) -> int | None:
        """None when the cache is away (then nothing is cached)."""

    async def get(self, version: int, key: str) -> SearchPage | None: ...

    async def put(self, version: int, key: str, page: SearchPage) -> None: ...

    async def bump(self) -> None:
        """The index changed: every cached page is retired."""
