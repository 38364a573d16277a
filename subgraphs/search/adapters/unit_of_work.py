"""The search unit of work: the platform's SQL unit of work bound to the search repository
(the index ledger, recommendations' signals, rules and the log)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.sql.unit_of_work import SqlUnitOfWork
from subgraphs.search.adapters import tables
from subgraphs.search.adapters.discovery_repository import SqlSearchRepository
from subgraphs.search.service_layer.ports import OpenSearchUnitOfWork


def search_unit_of_work(engine: AsyncEngine) -> OpenSearchUnitOfWork:
    def open_unit_of_work(
        claim: Claim | None = None, *, read_only: bool = False
    ) -> SqlUnitOfWork[SqlSearchRepository]:
        return SqlUnitOfWork(
            engine, SqlSearchRepository, tables.outbox, tables.processed_events, claim, read_only=read_only
        )

    return open_unit_of_work
