"""The search unit of work: the platform's SQL unit of work bound to the index ledger."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.sql.unit_of_work import SqlUnitOfWork
from subgraphs.search.adapters import tables
from subgraphs.search.adapters.ledger import SqlIndexLedger
from subgraphs.search.service_layer.ports import OpenLedgerUnitOfWork


def search_unit_of_work(engine: AsyncEngine) -> OpenLedgerUnitOfWork:
    def open_unit_of_work(claim: Claim | None = None) -> SqlUnitOfWork[SqlIndexLedger]:
        return SqlUnitOfWork(engine, SqlIndexLedger, tables.outbox, tables.processed_events, claim)

    return open_unit_of_work
