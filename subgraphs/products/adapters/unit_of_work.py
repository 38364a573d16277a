"""The catalogue's unit of work: the platform's SQL unit of work bound to our repository and tables."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.sql.unit_of_work import SqlUnitOfWork
from subgraphs.products.adapters import tables
from subgraphs.products.adapters.repository import SqlCatalogRepository
from subgraphs.products.adapters.reservation_repository import SqlReservationRepository
from subgraphs.products.service_layer.ports import OpenCatalogUnitOfWork
from subgraphs.products.service_layer.reservation_ports import OpenReservationUnitOfWork


def catalog_unit_of_work(engine: AsyncEngine) -> OpenCatalogUnitOfWork:
    def open_unit_of_work(
        claim: Claim | None = None, *, read_only: bool = False
    ) -> SqlUnitOfWork[SqlCatalogRepository]:
        return SqlUnitOfWork(
            engine, SqlCatalogRepository, tables.outbox, tables.processed_events, claim, read_only=read_only
        )

    return open_unit_of_work


def reservation_unit_of_work(engine: AsyncEngine) -> OpenReservationUnitOfWork:
    def open_unit_of_work(
        claim: Claim | None = None, *, read_only: bool = False
    ) -> SqlUnitOfWork[SqlReservationRepository]:
        return SqlUnitOfWork(
            engine,
            SqlReservationRepository,
            tables.outbox,
            tables.processed_events,
            claim,
            read_only=read_only,
        )

    return open_unit_of_work
