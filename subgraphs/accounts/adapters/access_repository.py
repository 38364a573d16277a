"""Roles, permissions and role assignments (SQL)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.accounts.adapters import tables as t


class SqlAccessRepository:
    """Mixed into the accounts store (`unit_of_work.py`), which owns the connection."""

    conn: AsyncConnection

    async def existing_role_names(self, names: Sequence[str]) -> set[str]:
        return set(await self.conn.scalars(select(t.roles.c.name).where(t.roles.c.name.in_(set(names)))))

    async def add_roles(self, rows: Sequence[dict[str, Any]]) -> None:
        await self.conn.execute(insert(t.roles), list(rows))

    async def existing_permissions(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        p = t.permissions
        found = await self.conn.execute(
            select(p.c.resource, p.c.action).where(p.c.resource.in_({r for r, _ in pairs}))
        )
        return {(r, a) for r, a in found} & set(pairs)

    async def missing_permissions(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        found = set(
            await self.conn.scalars(select(t.permissions.c.id).where(t.permissions.c.id.in_(set(ids))))
        )
        return set(ids) - found

    async def add_permissions(self, rows: Sequence[dict[str, Any]]) -> None:
        await self.conn.execute(insert(t.permissions), list(rows))

    async def link_permissions(self, role_id: uuid.UUID, permission_ids: Sequence[uuid.UUID]) -> None:
        if permission_ids:
            await self.conn.execute(
                insert(t.role_permissions).on_conflict_do_nothing(),
                [{"role_id": role_id, "permission_id": p} for p in permission_ids],
            )

    async def existing_users(self, user_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        return set(await self.conn.scalars(select(t.users.c.id).where(t.users.c.id.in_(set(user_ids)))))

    async def grant(self, user_id: uuid.UUID, role: str, by: uuid.UUID) -> bool:
        granted = await self.conn.scalar(
            insert(t.user_roles)
            .values(user_id=user_id, role=role, granted_by=by)
            .on_conflict_do_nothing()
            .returning(t.user_roles.c.role)
        )
        return granted is not None

    async def revoke(self, user_id: uuid.UUID, role: str) -> bool:
        r = t.user_roles
        done = await self.conn.execute(
            delete(r).where(r.c.user_id == user_id, r.c.role == role).returning(r.c.role)
        )
        return done.first() is not None
