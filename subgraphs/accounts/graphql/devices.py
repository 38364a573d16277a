"""Devices and sessions: list them, and sign them out (one, several, everything, or a user).

A session is one login: the family of refresh tokens that rotate from it. Callers see their
own devices and sessions; admins see anyone's. Other people's look missing.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Self

import strawberry

from subgraphs.accounts.domain.model import Device as Device_
from subgraphs.accounts.graphql.context import AccountsContext, Info
from subgraphs.accounts.graphql.enums import DeviceType
from subgraphs.accounts.graphql.loaders import DeviceLastActiveLoader
from subgraphs.accounts.service_layer import read_models as rm
from subgraphs.accounts.service_layer.ports import ActiveSession
from subgraphs.contracts.access import ADMIN
from subgraphs.platform.graphql.arguments import id_filter, page_args, parse_ids
from subgraphs.platform.graphql.cost import PAGINATED, expected_size
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, UserError
from subgraphs.platform.kernel.errors import NotFound
from subgraphs.platform.kernel.ids import parse_id


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
    def from_row(cls, r: rm.DeviceRecord, ctx: AccountsContext) -> Self:
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

    @classmethod
    def from_row(cls, r: rm.SessionRecord) -> Self:
        return cls._of(r, bool(r.active))

    @classmethod
    def from_index(cls, s: ActiveSession) -> Self:
        return cls._of(s, True)

    @classmethod
    def _of(cls, r: rm.SessionRecord | ActiveSession, active: bool) -> Self:
        return cls(
            id=strawberry.ID(str(r.id)),
            device_id=strawberry.ID(str(r.device_id)),
            ip=r.ip,
            started_at=r.started_at,
            last_refreshed_at=r.last_refreshed_at,
            expires_at=r.expires_at,
            active=active,
        )


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


def _visible_owner(info: Info) -> uuid.UUID | None:
    """For one row by id: the caller's own, or anyone's for admins (None)."""
    principal = info.context.require_principal()
    return None if principal.is_admin else principal.user_id


@strawberry.type
class DeviceQuery:
    @strawberry.federation.field(authenticated=True, directives=[PAGINATED])
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
        query = rm.DeviceQuery(
            owner=_owner(info, f.user_id, "filter.userId"),
            type=f.type.value if f.type is not None else None,
            revoked=None if f.state is None else f.state is DeviceState.REVOKED,
        )
        rows = await info.context.services.reads.device_page(
            query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(rows, lambda r: Device.from_row(r, info.context))

    @strawberry.federation.field(authenticated=True)
    async def device(self, info: Info, id: strawberry.ID) -> Device | None:
        owner = _visible_owner(info)
        key = parse_id(id)
        row = await info.context.services.reads.device(owner, key) if key is not None else None
        return Device.from_row(row, info.context) if row else None

    @strawberry.federation.field(authenticated=True, directives=[PAGINATED])
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
        query = rm.SessionQuery(
            owner=_owner(info, f.user_id, "filter.userId"),
            device_id=id_filter(f.device_id, "filter.deviceId"),
            ip=f.ip,
            active=f.active,
        )
        rows = await info.context.services.reads.session_page(
            query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(rows, Session.from_row)

    @strawberry.federation.field(
        authenticated=True,
        description="Signed-in sessions right now, from the Redis session index (for security dashboards); "
        "oldest first. `userId` is for admins; other users' sessions look absent.",
        directives=[expected_size(10)],
    )
    async def active_sessions(self, info: Info, user_id: strawberry.ID | None = None) -> list[Session]:
        principal = info.context.require_principal()
        target = id_filter(user_id, "userId") or principal.user_id
        if target != principal.user_id and not principal.is_admin:
            return []
        return [Session.from_index(s) for s in await info.context.services.reads.active_sessions(target)]

    @strawberry.federation.field(authenticated=True)
    async def session(self, info: Info, id: strawberry.ID) -> Session | None:
        owner = _visible_owner(info)
        key = parse_id(id)
        row = await info.context.services.reads.session(owner, key) if key is not None else None
        return Session.from_row(row) if row else None


@strawberry.type
class DevicePayload:
    device: Device | None
    user_errors: list[UserError]


@strawberry.type
class SignOutPayload:
    revoked_ids: list[strawberry.ID]
    user_errors: list[UserError]


def _signed_out(ids: list[uuid.UUID] | None, errors: list[UserError]) -> SignOutPayload:
    return SignOutPayload(revoked_ids=[strawberry.ID(str(i)) for i in ids or []], user_errors=errors)


def _not_found(what: str) -> Callable[[str], NotFound]:
    # A malformed id is simply not found (like someone else's).
    return lambda path: NotFound(f"{what} not found.", field=path)


@strawberry.type
class DeviceMutation:
    @strawberry.federation.mutation(authenticated=True, description="Sign out lost or stolen devices.")
    async def revoke_devices(self, info: Info, ids: list[strawberry.ID]) -> SignOutPayload:
        actor = info.context.require_principal()
        revoked, errors = await user_errors(
            lambda: info.context.services.devices.revoke_devices(
                actor, parse_ids(ids, "ids.{i}", _not_found("Device"))
            )
        )
        return _signed_out(revoked, errors)

    @strawberry.federation.mutation(authenticated=True)
    async def revoke_session(self, info: Info, id: strawberry.ID) -> SignOutPayload:
        actor = info.context.require_principal()
        revoked, errors = await user_errors(
            lambda: info.context.services.devices.revoke_session(
                actor, *parse_ids([id], "id", _not_found("Session"))
            )
        )
        return _signed_out([revoked] if revoked else None, errors)

    @strawberry.federation.mutation(authenticated=True, description="Sign out every device of the caller.")
    async def logout_all_devices(self, info: Info) -> SignOutPayload:
        actor = info.context.require_principal()
        target, errors = await user_errors(info.context.services.devices.sign_out_everywhere(actor))
        return _signed_out([target] if target else None, errors)

    @strawberry.federation.mutation(
        authenticated=True, description="Admins only: sign a user out everywhere."
    )
    async def force_logout(self, info: Info, user_id: strawberry.ID) -> SignOutPayload:
        actor = info.context.require_role(ADMIN)
        done, errors = await user_errors(
            lambda: info.context.services.devices.sign_out_everywhere(
                actor, *parse_ids([user_id], "userId", _not_found("User"))
            )
        )
        return _signed_out([done] if done else None, errors)

    @strawberry.federation.mutation(
        authenticated=True, description="Store the push-notification token of your device."
    )
    async def update_device_push_token(self, info: Info, id: strawberry.ID, push_token: str) -> DevicePayload:
        actor = info.context.require_principal()

        async def store() -> Device_:
            [device_id] = parse_ids([id], "id", _not_found("Device"))
            return await info.context.services.devices.set_push_token(actor, device_id, push_token)

        stored, errors = await user_errors(store())
        if stored is None:
            return DevicePayload(device=None, user_errors=errors)
        row = await info.context.services.reads.device(actor.user_id, stored.id)
        return DevicePayload(device=Device.from_row(row, info.context) if row else None, user_errors=[])
