"""Keeps Valkey's revocation markers whole: rebuilds them from PostgreSQL when Valkey lost them.

Every accounts process checks the epoch key twice a second (one EXISTS); a Valkey that came
back empty is rebuilt within that, and until then verifiers refuse signed-in requests with
SERVICE_UNAVAILABLE (subgraphs/platform/auth/revocations.py). Several replicas rebuilding at
once is harmless: the writes are the same and a marker is never lowered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from subgraphs.accounts.adapters import tables
from subgraphs.accounts.adapters.profile_cache import ProfileCache
from subgraphs.accounts.adapters.unit_of_work import accounts_unit_of_work
from subgraphs.accounts.service_layer.revoking import RestoreRevocationMarkers
from subgraphs.accounts.service_layer.services import AccountsServices
from subgraphs.platform.app import redis_client
from subgraphs.platform.auth.revocations import RedisRevocations
from subgraphs.platform.faults import unavailable_dependency
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.sql.migrations import migrate

logger = logging.getLogger("accounts.revocations")
CHECK_EVERY_SECONDS = 0.5


async def keep_revocation_markers(services: AccountsServices, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            if await services.restore_revocations():
                logger.warning("revocation markers were missing in Valkey: rebuilt from PostgreSQL")
        except Exception as exc:
            if unavailable_dependency(exc) is None:
                raise  # a bug: the supervisor logs it and restarts this worker
            # Valkey or PostgreSQL is away: verifiers already fail closed; try again shortly.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), CHECK_EVERY_SECONDS)


async def restore_once(settings: Settings) -> bool:
    """One rebuild outside a running accounts process (tools that verify tokens before it starts:
    the benchmark's in-process measurements). Migrates the accounts schema first."""
    engine = create_engine(settings)
    redis = redis_client(settings.redis_url)
    try:
        await migrate(engine, tables.STORAGE.migrations, tables.STORAGE.schema)
        restore = RestoreRevocationMarkers(
            uow=accounts_unit_of_work(engine, ProfileCache(redis)),
            markers=RedisRevocations(redis),
            clock=utcnow,
        )
        return await restore()
    finally:
        await redis.aclose()
        await engine.dispose()
