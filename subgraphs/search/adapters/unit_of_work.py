"""The search unit of work: the platform's SQL unit of work bound to the search repository
(the index ledger, recommendations' signals, rules and the log)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.sql.unit_of_work import SqlUnitOfWorkFactory
from subgraphs.search.adapters import tables
from subgraphs.search.adapters.discovery_repository import SqlSearchRepository
from subgraphs.search.service_layer.ports import OpenSearchUnitOfWork


def search_unit_of_work(engine: AsyncEngine) -> OpenSearchUnitOfWork:
    return SqlUnitOfWorkFactory(engine, SqlSearchRepository, tables.outbox, tables.processed_events)
