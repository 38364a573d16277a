"""The accounts units of work: the platform's SQL unit of work bound to our repositories."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.accounts.adapters import tables
from subgraphs.accounts.adapters.access_repository import SqlAccessRepository
from subgraphs.accounts.adapters.kyc_repository import SqlKycRepository
from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.domain.events import ACCOUNTS_TOPIC
from subgraphs.platform.unit_of_work import SqlUnitOfWork


class AccountsUnitOfWork(SqlUnitOfWork[SqlAccountsRepository]):
    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, SqlAccountsRepository, tables.outbox, lambda _event: ACCOUNTS_TOPIC)


class KycUnitOfWork(SqlUnitOfWork[SqlKycRepository]):
    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, SqlKycRepository, tables.outbox, lambda _event: ACCOUNTS_TOPIC)


class AccessUnitOfWork(SqlUnitOfWork[SqlAccessRepository]):
    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, SqlAccessRepository, tables.outbox, lambda _event: ACCOUNTS_TOPIC)
