"""Revocations in PostgreSQL (`accounts.revocations`), recorded in the revoking use case's transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.accounts.adapters import tables
from subgraphs.contracts.access import Revocation
from subgraphs.platform.kernel.ids import new_id


class SqlRevocationRecords:
    conn: AsyncConnection

    async def record_revocation(self, user_id: uuid.UUID, revocation: Revocation) -> None:
        await self.conn.execute(
            insert(tables.revocations).values(
                user_id=user_id,
                id=new_id(),
                kind=revocation.kind,
                subject=revocation.subject,
                cutoff=datetime.fromtimestamp(revocation.cutoff, UTC),
                expires_at=datetime.fromtimestamp(revocation.expires_at, UTC),
            )
        )

    async def live_revocations(self, now: datetime) -> list[Revocation]:
        # Across every user (no distribution key): runs only when Valkey lost its markers, over
        # the last ten minutes of revocations, by the expires_at index.
        r = tables.revocations
        rows = await self.conn.execute(
            select(r.c.kind, r.c.subject, r.c.cutoff, r.c.expires_at).where(r.c.expires_at > now)
        )
        return [
            Revocation(row.kind, row.subject, int(row.cutoff.timestamp()), int(row.expires_at.timestamp()))
            for row in rows
        ]
