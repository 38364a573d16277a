"""The orders unit of work: the platform's SQL unit of work bound to our repository and tables.

A change of an order grant drops its cached decision before and after the commit (see
`SqlUnitOfWork`); nothing else the orders subgraph writes is cached.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.orders.adapters import tables
from subgraphs.orders.adapters.grant_decisions import RedisGrantDecisions
from subgraphs.orders.adapters.repository import SqlOrdersRepository
from subgraphs.orders.service_layer.ports import OpenOrdersUnitOfWork
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.sql.unit_of_work import SqlUnitOfWork


def orders_unit_of_work(engine: AsyncEngine, decisions: RedisGrantDecisions) -> OpenOrdersUnitOfWork:
    def open_unit_of_work(claim: Claim | None = None) -> SqlUnitOfWork[SqlOrdersRepository]:
        return SqlUnitOfWork(
            engine,
            SqlOrdersRepository,
            tables.outbox,
            tables.processed_events,
            claim,
            invalidate=decisions.drop_changed,
        )

    return open_unit_of_work
