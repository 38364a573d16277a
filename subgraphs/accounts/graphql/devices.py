"""Devices and sessions: list them, and sign them out (one, several, everything, or a user).

A session is one login: the family of refresh tokens that rotate from it. Callers see their
own devices and sessions; admins see anyone's. Other people's look missing.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any, Self

import strawberry
from sqlalchemy import Select, func, select, update

from subgraphs.accounts.adapters import tables as t
from subgraphs.accounts.adapters.session_index import RedisSessionIndex
from subgraphs.accounts.graphql.types import DeviceType
from subgraphs.accounts.graphql.wiring import ACTIVITY, DEVICES, SESSIONS, UOW
from subgraphs.accounts.service_layer.devices import Devices
from subgraphs.platform.activity import DeviceActivity
from subgraphs.platform.context import Context, Info
from subgraphs.platform.dataloaders import ContextLoader
from subgraphs.platform.errors import BadUserInput, NotFound
from subgraphs.platform.graphql_pagination import ascending, id_filter, paginate
from subgraphs.platform.graphql_types import Connection, UserError, user_errors_from
from subgraphs.platform.ids import parse_id
from subgraphs.platform.pagination import PageArgs
from subgraphs.platform.results import InputErrors


class DeviceLastActiveLoader(ContextLoader[str, int | None]):
    """Last-active times of a page of devices in one Redis MGET."""

    async def fetch_many(self, keys: list[str]) -> list[int | None]:
        activity: DeviceActivity = self.ctx.services[ACTIVITY]
        seen = await activity.last_seen(keys)
        return [seen.get(k) for k in keys]


@strawberry.type
class Device:
    id: strawberry.ID
    type: DeviceType
    name: str
    user_agent: str
    ip: str
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None
    current: bool = strawberry.field(description="The device this request was made from.")

    @strawberry.field(description="When any subgraph last saw a token of this device (minute resolution).")
    async def last_active_at(self, info: Info) -> datetime:
        seen = await DeviceLastActiveLoader.of(info.context).load(str(self.id))
        return datetime.fromtimestamp(seen, UTC) if seen else self.last_seen_at

    @classmethod
    def from_row(cls, r: Any, ctx: Context) -> Self:
        current = ctx.principal is not None and ctx.principal.device_id == str(r.id)
        return cls(
            id=strawberry.ID(str(r.id)),
            type=DeviceType(r.type),
            name=r.name,
            user_agent=r.user_agent,
            ip=r.ip,
            created_at=r.created_at,
            last_seen_at=r.last_seen_at,
            revoked_at=r.revoked_at,
            current=current,
        )


@strawberry.type(description="One login and the refresh tokens rotated from it.")
class Session:
    id: strawberry.ID
    device_id: strawberry.ID
    ip: str
    started_at: datetime
    last_refreshed_at: datetime
    expires_at: datetime
    active: bool


@strawberry.enum
class DeviceState(enum.Enum):
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"


@strawberry.input
class DeviceFilter:
    type: DeviceType | None = None
    state: DeviceState | None = None
    user_id: strawberry.ID | None = strawberry.field(default=None, description="Admins only.")


@strawberry.input
class SessionFilter:
    device_id: strawberry.ID | None = None
    ip: str | None = None
    active: bool | None = None
    user_id: strawberry.ID | None = strawberry.field(default=None, description="Admins only.")


def _owner(info: Info, requested: strawberry.ID | None, field: str) -> uuid.UUID | None:
    """Whose rows to list: yourself, or (admins) anyone / a chosen user."""
    principal = info.context.require_principal()
    wanted = id_filter(requested, field)
    if principal.is_admin:
        return wanted
    return principal.user_id


def _sessions_query() -> Select[Any]:
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


def _session(r: Any) -> Session:
    return Session(
        id=strawberry.ID(str(r.id)),
        device_id=strawberry.ID(str(r.device_id)),
        ip=r.ip,
        started_at=r.started_at,
        last_refreshed_at=r.last_refreshed_at,
        expires_at=r.expires_at,
        active=bool(r.active),
    )


@strawberry.type
class DeviceQuery:
    @strawberry.federation.field(authenticated=True)
    async def devices(
        self,
        info: Info,
        filter: DeviceFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Device]:
        f = filter or DeviceFilter()
        d = t.devices
        query = select(d)
        owner = _owner(info, f.user_id, "filter.userId")
        if owner is not None:
            query = query.where(d.c.user_id == owner)
        if f.type is not None:
            query = query.where(d.c.type == f.type.value)
        if f.state is not None:
            query = query.where(
                d.c.revoked_at.is_(None) if f.state is DeviceState.ACTIVE else d.c.revoked_at.is_not(None)
            )
        order = ascending("devices", (d.c.id, uuid.UUID))
        return await paginate(
            info,
            query,
            order,
            PageArgs(first, after, last, before),
            lambda r: Device.from_row(r, info.context),
        )

    @strawberry.federation.field(authenticated=True)
    async def device(self, info: Info, id: strawberry.ID) -> Device | None:
        principal = info.context.require_principal()
        key = parse_id(id)
        if key is None:
            return None
        query = select(t.devices).where(t.devices.c.id == key)
        if not principal.is_admin:
            query = query.where(t.devices.c.user_id == principal.user_id)
        async with info.context.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return Device.from_row(row, info.context) if row else None

    @strawberry.federation.field(authenticated=True)
    async def sessions(
        self,
        info: Info,
        filter: SessionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Session]:
        f = filter or SessionFilter()
        query = _sessions_query()
        s = query.selected_columns
        owner = _owner(info, f.user_id, "filter.userId")
        if owner is not None:
            query = query.where(s.user_id == owner)
        if (device_id := id_filter(f.device_id, "filter.deviceId")) is not None:
            query = query.where(s.device_id == device_id)
        if f.ip is not None:
            query = query.where(s.ip == f.ip)
        if f.active is not None:
            query = query.where(s.active.is_(f.active))
        order = ascending("sessions", (s.id, uuid.UUID))
        return await paginate(info, query, order, PageArgs(first, after, last, before), _session)

    @strawberry.federation.field(
        authenticated=True,
        description="Signed-in sessions right now, from the Redis session index (for security dashboards); "
        "oldest first. `userId` is for admins; other users' sessions look absent.",
    )
    async def active_sessions(self, info: Info, user_id: strawberry.ID | None = None) -> list[Session]:
        principal = info.context.require_principal()
        target = id_filter(user_id, "userId") or principal.user_id
        if target != principal.user_id and not principal.is_admin:
            return []
        index: RedisSessionIndex = info.context.services[SESSIONS]
        return [
            Session(
                id=strawberry.ID(str(s.id)),
                device_id=strawberry.ID(str(s.device_id)),
                ip=s.ip,
                started_at=s.started_at,
                last_refreshed_at=s.last_refreshed_at,
                expires_at=s.expires_at,
                active=True,
            )
            for s in await index.active(target)
        ]

    @strawberry.federation.field(authenticated=True)
    async def session(self, info: Info, id: strawberry.ID) -> Session | None:
        principal = info.context.require_principal()
        key = parse_id(id)
        if key is None:
            return None
        query = _sessions_query()
        query = query.where(query.selected_columns.id == key)
        if not principal.is_admin:
            query = query.where(query.selected_columns.user_id == principal.user_id)
        async with info.context.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _session(row) if row else None


@strawberry.type
class DevicePayload:
    device: Device | None
    user_errors: list[UserError]


@strawberry.type
class SignOutPayload:
    revoked_ids: list[strawberry.ID]
    user_errors: list[UserError]


def _uow(ctx: Context) -> Any:
    return ctx.services[UOW](ctx.engine)


def _devices(ctx: Context) -> Devices:
    devices: Devices = ctx.services[DEVICES]
    return devices


async def _sign_out(call: Any) -> SignOutPayload:
    try:
        result = await call
    except InputErrors as exc:
        return SignOutPayload(revoked_ids=[], user_errors=user_errors_from(exc.errors))
    ids = result if isinstance(result, list) else [result]
    return SignOutPayload(revoked_ids=[strawberry.ID(str(i)) for i in ids], user_errors=[])


def _ids(raw: list[strawberry.ID]) -> list[uuid.UUID]:
    # A malformed id is simply not found (like someone else's).
    return [parse_id(i) or uuid.UUID(int=0) for i in raw]


@strawberry.type
class DeviceMutation:
    @strawberry.federation.mutation(authenticated=True, description="Sign out lost or stolen devices.")
    async def revoke_devices(self, info: Info, ids: list[strawberry.ID]) -> SignOutPayload:
        actor = info.context.require_principal()
        return await _sign_out(_devices(info.context).revoke_devices(_uow(info.context), actor, _ids(ids)))

    @strawberry.federation.mutation(authenticated=True)
    async def revoke_session(self, info: Info, id: strawberry.ID) -> SignOutPayload:
        actor = info.context.require_principal()
        [session_id] = _ids([id])
        return await _sign_out(_devices(info.context).revoke_session(_uow(info.context), actor, session_id))

    @strawberry.federation.mutation(authenticated=True, description="Sign out every device of the caller.")
    async def logout_all_devices(self, info: Info) -> SignOutPayload:
        actor = info.context.require_principal()
        return await _sign_out(_devices(info.context).sign_out_everywhere(_uow(info.context), actor))

    @strawberry.federation.mutation(
        authenticated=True, description="Admins only: sign a user out everywhere."
    )
    async def force_logout(self, info: Info, user_id: strawberry.ID) -> SignOutPayload:
        actor = info.context.require_role("admin")
        [target] = _ids([user_id])
        return await _sign_out(_devices(info.context).sign_out_everywhere(_uow(info.context), actor, target))

    @strawberry.federation.mutation(
        authenticated=True, description="Store the push-notification token of your device."
    )
    async def update_device_push_token(self, info: Info, id: strawberry.ID, push_token: str) -> DevicePayload:
        principal = info.context.require_principal()
        if not 1 <= len(push_token) <= 500:
            error = BadUserInput("Push token must be 1 to 500 characters.", field="pushToken")
            return DevicePayload(device=None, user_errors=user_errors_from([error]))
        d = t.devices
        async with info.context.engine.begin() as conn:
            row = (
                await conn.execute(
                    update(d)
                    .where(d.c.user_id == principal.user_id, d.c.id == parse_id(id), d.c.revoked_at.is_(None))
                    .values(push_token=push_token)
                    .returning(d)
                )
            ).first()
        if row is None:
            return DevicePayload(
                device=None, user_errors=user_errors_from([NotFound("Device not found.", field="id")])
            )
        return DevicePayload(device=Device.from_row(row, info.context), user_errors=[])
