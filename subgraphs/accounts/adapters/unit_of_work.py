"""The accounts units of work: the platform's SQL unit of work bound to our repositories."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.accounts.adapters import tables
from subgraphs.accounts.adapters.access_repository import SqlAccessRepository
from subgraphs.accounts.adapters.kyc_repository import SqlKycRepository
from subgraphs.accounts.adapters.profile_cache import ProfileCache
from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.domain.events import ACCOUNTS_TOPIC
from subgraphs.platform.events import Event
from subgraphs.platform.unit_of_work import SqlUnitOfWork

AfterCommit = Callable[[list[Event]], Awaitable[None]]


def _topic(_event: Event) -> str:
    return ACCOUNTS_TOPIC


class AccountsUnitOfWork(SqlUnitOfWork[SqlAccountsRepository]):
    def __init__(
        self,
        engine: AsyncEngine,
        after_commit: AfterCommit | None = None,
        role_cache: ProfileCache | None = None,
    ) -> None:
        def make_repo(conn: AsyncConnection) -> SqlAccountsRepository:
            return SqlAccountsRepository(conn, role_cache)

        super().__init__(engine, make_repo, tables.outbox, _topic, after_commit)


class KycUnitOfWork(SqlUnitOfWork[SqlKycRepository]):
    def __init__(self, engine: AsyncEngine, after_commit: AfterCommit | None = None) -> None:
        super().__init__(engine, SqlKycRepository, tables.outbox, _topic, after_commit)


class AccessUnitOfWork(SqlUnitOfWork[SqlAccessRepository]):
    def __init__(self, engine: AsyncEngine, after_commit: AfterCommit | None = None) -> None:
        super().__init__(engine, SqlAccessRepository, tables.outbox, _topic, after_commit)
