"""The catalogue's unit of work: the platform's SQL unit of work bound to our repository."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.unit_of_work import SqlUnitOfWork as PlatformUnitOfWork
from subgraphs.products.adapters import tables
from subgraphs.products.adapters.repository import SqlCatalogRepository
from subgraphs.products.domain.events import topic_for


class SqlUnitOfWork(PlatformUnitOfWork[SqlCatalogRepository]):
    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, SqlCatalogRepository, tables.outbox, topic_for)
