"""`AccountsReads` on PostgreSQL, with the Redis caches (profiles, active sessions, last seen)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Select, exists, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.accounts.adapters import tables as t
from subgraphs.accounts.adapters.profile_cache import ProfileCache
from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.domain.model import User
from subgraphs.accounts.service_layer.ports import ActiveSession, SessionIndex
from subgraphs.accounts.service_layer.read_models import (
    DeviceQuery,
    DeviceRecord,
    KycDocumentRecord,
    KycQuery,
    KycSubmissionRecord,
    PermissionRecord,
    RoleRecord,
    SessionQuery,
    SessionRecord,
    UserQuery,
    UserRoleRecord,
    UserSort,
)
from subgraphs.platform.auth.activity import DeviceActivity
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import KeysetOrder, SortKey, ascending, escape_like, fetch_page, ids_param

_USER_ORDERS = {
    UserSort.NEWEST: KeysetOrder("users", "NEWEST", (SortKey(t.users.c.id, uuid.UUID),), True),
    UserSort.EMAIL: KeysetOrder(
        "users", "EMAIL", (SortKey(t.users.c.email, str), SortKey(t.users.c.id, uuid.UUID)), False
    ),
}


def _sessions() -> Select[Any]:
    """One row per refresh-token family (a login), with its device's address."""
    r, d = t.refresh_tokens, t.devices
    now = func.now()
    grouped = (
        select(
            r.c.family_id.label("id"),
            r.c.user_id,
            r.c.device_id,
            func.min(r.c.created_at).label("started_at"),
            func.max(r.c.created_at).label("last_refreshed_at"),
            func.max(r.c.expires_at).label("expires_at"),
            func.bool_or(r.c.revoked_at.is_(None) & r.c.used_at.is_(None) & (r.c.expires_at > now)).label(
                "active"
            ),
        )
        .group_by(r.c.family_id, r.c.user_id, r.c.device_id)
        .subquery("sessions")
    )
    return select(grouped, d.c.ip).join(
        d, (d.c.id == grouped.c.device_id) & (d.c.user_id == grouped.c.user_id)
    )


class SqlAccountsReads:
    def __init__(
        self, engine: AsyncEngine, profiles: ProfileCache, sessions: SessionIndex, activity: DeviceActivity
    ) -> None:
        self._engine = reading(engine)
        self._profiles = profiles
        self._sessions = sessions
        self._activity = activity

    async def _rows(self, query: Select[Any]) -> list[Any]:
        async with self._engine.connect() as conn:
            return list((await conn.execute(query)).all())

    async def _first(self, query: Select[Any]) -> Any | None:
        rows = await self._rows(query)
        return rows[0] if rows else None

    async def _by_ids(self, table: Any, ids: Sequence[uuid.UUID]) -> list[Any]:
        found = {r.id: r for r in await self._rows(select(table).where(table.c.id == ids_param(ids)))}
        return [found.get(i) for i in ids]

    async def device_page(self, query: DeviceQuery, page: PageArgs) -> Page[DeviceRecord]:
        d = t.devices
        statement = select(d)
        if query.owner is not None:
            statement = statement.where(d.c.user_id == query.owner)
        if query.type is not None:
            statement = statement.where(d.c.type == query.type)
        if query.revoked is not None:
            statement = statement.where(
                d.c.revoked_at.is_not(None) if query.revoked else d.c.revoked_at.is_(None)
            )
        return await fetch_page(self._engine, statement, ascending("devices", (d.c.id, uuid.UUID)), page)

    async def device(self, owner: uuid.UUID | None, device_id: uuid.UUID) -> DeviceRecord | None:
        statement = select(t.devices).where(t.devices.c.id == device_id)
        if owner is not None:
            statement = statement.where(t.devices.c.user_id == owner)
        return cast(DeviceRecord | None, await self._first(statement))

    async def session_page(self, query: SessionQuery, page: PageArgs) -> Page[SessionRecord]:
        statement = _sessions()
        s = statement.selected_columns
        if query.owner is not None:
            statement = statement.where(s.user_id == query.owner)
        if query.device_id is not None:
            statement = statement.where(s.device_id == query.device_id)
        if query.ip is not None:
            statement = statement.where(s.ip == query.ip)
        if query.active is not None:
            statement = statement.where(s.active.is_(query.active))
        return await fetch_page(self._engine, statement, ascending("sessions", (s.id, uuid.UUID)), page)

    async def session(self, owner: uuid.UUID | None, session_id: uuid.UUID) -> SessionRecord | None:
        statement = _sessions()
        statement = statement.where(statement.selected_columns.id == session_id)
        if owner is not None:
            statement = statement.where(statement.selected_columns.user_id == owner)
        return cast(SessionRecord | None, await self._first(statement))

    async def active_sessions(self, user_id: uuid.UUID) -> list[ActiveSession]:
        return await self._sessions.active(user_id)

    async def last_seen(self, device_ids: Sequence[str]) -> list[int | None]:
        seen = await self._activity.last_seen(device_ids)
        return [seen.get(d) for d in device_ids]

    async def user_page(self, query: UserQuery, page: PageArgs) -> Page[User]:
        u, r = t.users, t.user_roles
        statement = select(u)
        if query.role is not None:
            statement = statement.where(exists().where(r.c.user_id == u.c.id, r.c.role == query.role))
        if query.kyc_status is not None:
            statement = statement.where(u.c.kyc_status == query.kyc_status)
        if query.active is not None:
            statement = statement.where(u.c.is_active.is_(query.active))
        if query.email:
            statement = statement.where(u.c.email.like(f"%{escape_like(query.email.lower())}%"))
        rows = await fetch_page(self._engine, statement, _USER_ORDERS[query.sort], page)
        # Roles come in one more statement for the whole page.
        async with self._engine.connect() as conn:
            users = await SqlAccountsRepository(conn).get_users([row.id for row in rows.rows])
        return Page(
            [users[row.id] for row in rows.rows], rows.cursors, rows.has_next_page, rows.has_previous_page
        )

    async def users_by_id(self, ids: Sequence[uuid.UUID]) -> list[User | None]:
        """Profiles from the Redis cache, the misses from PostgreSQL in two statements."""
        found = await self._profiles.get_many(ids)
        missing = [k for k in ids if k not in found]
        if missing:
            async with self._engine.connect() as conn:
                loaded = await SqlAccountsRepository(conn).get_users(missing)
            found.update(loaded)
            await self._profiles.put_many(list(loaded.values()))
        return [found.get(k) for k in ids]

    async def role_page(self, name: str | None, page: PageArgs) -> Page[RoleRecord]:
        statement = select(t.roles)
        if name:
            statement = statement.where(t.roles.c.name.like(f"%{escape_like(name.lower())}%"))
        order = ascending("roles", (t.roles.c.name, str), (t.roles.c.id, uuid.UUID))
        return await fetch_page(self._engine, statement, order, page)

    async def roles_by_id(self, ids: Sequence[uuid.UUID]) -> list[RoleRecord | None]:
        return await self._by_ids(t.roles, ids)

    async def permission_page(
        self, resource: str | None, action: str | None, page: PageArgs
    ) -> Page[PermissionRecord]:
        p = t.permissions
        statement = select(p)
        if resource:
            statement = statement.where(p.c.resource == resource)
        if action:
            statement = statement.where(p.c.action == action)
        order = ascending("permissions", (p.c.resource, str), (p.c.action, str), (p.c.id, uuid.UUID))
        return await fetch_page(self._engine, statement, order, page)

    async def permissions_by_id(self, ids: Sequence[uuid.UUID]) -> list[PermissionRecord | None]:
        return await self._by_ids(t.permissions, ids)

    async def permissions_of_roles(self, role_ids: Sequence[uuid.UUID]) -> list[list[PermissionRecord]]:
        p, rp = t.permissions, t.role_permissions
        statement = (
            select(p, rp.c.role_id)
            .join(rp, rp.c.permission_id == p.c.id)
            .where(rp.c.role_id == ids_param(role_ids))
            .order_by(p.c.resource, p.c.action)
        )
        grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for row in await self._rows(statement):
            grouped[row.role_id].append(row)
        return [grouped.get(r, []) for r in role_ids]

    async def user_role_page(
        self, user_id: uuid.UUID | None, role: str | None, page: PageArgs
    ) -> Page[UserRoleRecord]:
        r = t.user_roles
        statement = select(r)
        if user_id is not None:
            statement = statement.where(r.c.user_id == user_id)
        if role:
            statement = statement.where(r.c.role == role)
        order = ascending("user_roles", (r.c.user_id, uuid.UUID), (r.c.role, str))
        return await fetch_page(self._engine, statement, order, page)

    async def user_roles(self, grants: Sequence[tuple[uuid.UUID, str]]) -> list[UserRoleRecord]:
        r = t.user_roles
        rows = await self._rows(
            select(r).where(r.c.user_id.in_({u for u, _ in grants}), r.c.role.in_({g for _, g in grants}))
        )
        wanted = set(grants)
        return [x for x in rows if (x.user_id, x.role) in wanted]

    async def kyc_submission_page(self, query: KycQuery, page: PageArgs) -> Page[KycSubmissionRecord]:
        k = t.kyc_submissions
        statement = select(k)
        if query.status is not None:
            statement = statement.where(k.c.status == query.status)
        if query.submitted_after is not None:
            statement = statement.where(k.c.submitted_at >= query.submitted_after)
        if query.submitted_before is not None:
            statement = statement.where(k.c.submitted_at < query.submitted_before)
        order = KeysetOrder("kyc_submissions", "OLDEST", (SortKey(k.c.id, uuid.UUID),), False)
        return await fetch_page(self._engine, statement, order, page)

    async def kyc_submission(self, submission_id: uuid.UUID) -> KycSubmissionRecord | None:
        k = t.kyc_submissions
        return cast(KycSubmissionRecord | None, await self._first(select(k).where(k.c.id == submission_id)))

    async def latest_kyc_submission(self, user_id: uuid.UUID) -> KycSubmissionRecord | None:
        k = t.kyc_submissions
        query = select(k).where(k.c.user_id == user_id).order_by(k.c.id.desc()).limit(1)
        return cast(KycSubmissionRecord | None, await self._first(query))

    async def kyc_documents_of(
        self, submissions: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[list[KycDocumentRecord]]:
        d = t.kyc_documents
        # (user, submission) pairs: the user id is the distribution key of the documents.
        statement = (
            select(d).where(tuple_(d.c.user_id, d.c.submission_id).in_(list(submissions))).order_by(d.c.id)
        )
        grouped: dict[tuple[uuid.UUID, uuid.UUID], list[Any]] = defaultdict(list)
        for row in await self._rows(statement):
            grouped[(row.user_id, row.submission_id)].append(row)
        return [grouped.get(s, []) for s in submissions]
