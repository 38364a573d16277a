"""Admin overrides and the audit log on PostgreSQL (mixed into the orders repository, so any
use case's transaction can check an override and record its use)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.contracts.audit import OverrideUsed
from subgraphs.orders.adapters import tables as t
from subgraphs.orders.domain.overrides import AdminOverride, OverrideAction, ResourceType


def override_from_row(row: Any) -> AdminOverride:
    return AdminOverride(
        id=row.id,
        admin_id=row.user_id,
        resource_type=ResourceType(row.resource_type),
        resource_id=row.resource_id,
        action=OverrideAction(row.action),
        reason=row.reason,
        expires_at=row.expires_at,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class OverrideRows:
    conn: AsyncConnection

    async def active_override(
        self, admin_id: uuid.UUID, resource_id: uuid.UUID, action: OverrideAction, now: datetime
    ) -> AdminOverride | None:
        o = t.admin_overrides
        row = (
            await self.conn.execute(
                select(o)
                .where(
                    o.c.user_id == admin_id,
                    o.c.resource_id == resource_id,
                    o.c.action == action.value,
                    o.c.revoked_at.is_(None),
                    o.c.expires_at > now,
                )
                .order_by(o.c.expires_at.desc())
                .limit(1)
            )
        ).first()
        return override_from_row(row) if row else None

    async def add_override(self, override: AdminOverride) -> None:
        await self.conn.execute(
            insert(t.admin_overrides).values(
                user_id=override.admin_id,
                id=override.id,
                resource_type=override.resource_type.value,
                resource_id=override.resource_id,
                action=override.action.value,
                reason=override.reason,
                expires_at=override.expires_at,
                created_at=override.created_at,
            )
        )
        await self.conn.execute(
            insert(t.order_keys).values(id=override.id, kind="OVERRIDE", buyer_id=override.admin_id)
        )

    async def override(self, admin_id: uuid.UUID, override_id: uuid.UUID) -> AdminOverride | None:
        o = t.admin_overrides
        row = (
            await self.conn.execute(select(o).where(o.c.user_id == admin_id, o.c.id == override_id))
        ).first()
        return override_from_row(row) if row else None

    async def revoke_override(self, override: AdminOverride) -> None:
        o = t.admin_overrides
        await self.conn.execute(
            update(o)
            .where(o.c.user_id == override.admin_id, o.c.id == override.id)
            .values(revoked_at=override.revoked_at)
        )

    async def record_use(self, event_id: uuid.UUID, used: OverrideUsed) -> bool:
        """The audit entry of one use (kept once per event); False when it was already there."""
        added = await self.conn.execute(
            pg_insert(t.audit_log)
            .values(
                user_id=used.admin_id,
                id=event_id,
                override_id=used.override_id,
                action=used.action,
                resource_type=used.resource_type,
                resource_id=used.resource_id,
                detail=used.detail,
                reason=used.reason,
                request_id=used.request_id,
                at=used.at,
            )
            .on_conflict_do_nothing()
            .returning(t.audit_log.c.id)
        )
        return added.first() is not None
