"""Admin override and audit log reads (admin-only listings: cross-shard reads are acceptable)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.adapters.override_rows import override_from_row
from subgraphs.orders.domain.overrides import AdminOverride
from subgraphs.orders.service_layer.overrides import AuditEntry, AuditQuery, OverrideQuery
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import KeysetOrder, SortKey, fetch_page


def _entry(row: Any) -> AuditEntry:
    m = row._mapping
    return AuditEntry(**{name: m[name] for name in AuditEntry.__dataclass_fields__})


class SqlOverrideReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading(engine)

    async def override(self, override_id: uuid.UUID) -> AdminOverride | None:
        k, o = t.order_keys, t.admin_overrides
        async with self._engine.connect() as conn:
            keys = (
                await conn.execute(select(k).where(k.c.id == override_id, k.c.kind == "OVERRIDE"))
            ).first()
            if keys is None:
                return None
            row = (
                await conn.execute(select(o).where(o.c.user_id == keys.buyer_id, o.c.id == override_id))
            ).first()
        return override_from_row(row) if row else None

    async def overrides(self, query: OverrideQuery, page: PageArgs) -> Page[AdminOverride]:
        o = t.admin_overrides
        sql = select(o)
        if query.resource_id is not None:
            sql = sql.where(o.c.resource_id == query.resource_id)
        if query.admin_id is not None:
            sql = sql.where(o.c.user_id == query.admin_id)
        if query.active_at is not None:
            sql = sql.where(o.c.revoked_at.is_(None), o.c.expires_at > query.active_at)
        order = KeysetOrder(
            "adminOverrides", "NEWEST", (SortKey(o.c.created_at, datetime), SortKey(o.c.id, uuid.UUID)), True
        )
        return (await fetch_page(self._engine, sql, order, page)).map(override_from_row)

    async def audit(self, query: AuditQuery, page: PageArgs) -> Page[AuditEntry]:
        a = t.audit_log
        sql = select(a)
        if query.resource_id is not None:
            sql = sql.where(a.c.resource_id == query.resource_id)
        if query.user_id is not None:
            sql = sql.where(a.c.user_id == query.user_id)
        if query.after is not None:
            sql = sql.where(a.c.at >= query.after)
        if query.before is not None:
            sql = sql.where(a.c.at < query.before)
        order = KeysetOrder(
            "auditLog", "NEWEST", (SortKey(a.c.at, datetime), SortKey(a.c.id, uuid.UUID)), True
        )
        return (await fetch_page(self._engine, sql, order, page)).map(_entry)
