"""The accounts unit of work: one transaction over every accounts table (the `AccountsStore`).

It drops the cached profile and role set of every user the events name (before and after the
commit, see `SqlUnitOfWork`), so the next read and the next minted token see the change; with
Valkey away the change is refused rather than left behind a stale role set.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.accounts.adapters import tables
from subgraphs.accounts.adapters.access_repository import SqlAccessRepository
from subgraphs.accounts.adapters.address_repository import SqlAddressRepository
from subgraphs.accounts.adapters.kyc_repository import SqlKycRepository
from subgraphs.accounts.adapters.profile_cache import ProfileCache
from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.adapters.revocation_records import SqlRevocationRecords
from subgraphs.accounts.service_layer.ports import AccountsStore
from subgraphs.platform.kernel.unit_of_work import UnitOfWorkFactory
from subgraphs.platform.sql.unit_of_work import SqlUnitOfWorkFactory


class SqlAccountsStore(
    SqlAccountsRepository, SqlKycRepository, SqlAccessRepository, SqlRevocationRecords, SqlAddressRepository
):
    """Users, devices, tokens, resets and messages; KYC submissions; roles and permissions;
    revocations; address books."""


def accounts_unit_of_work(engine: AsyncEngine, profiles: ProfileCache) -> UnitOfWorkFactory[AccountsStore]:
    def store(conn: AsyncConnection) -> SqlAccountsStore:
        return SqlAccountsStore(conn, profiles)

    return SqlUnitOfWorkFactory(
        engine, store, tables.outbox, tables.processed_events, invalidate=profiles.forget_changed
    )
