"""Signing devices and sessions out: one device, one session, every device, or (admins) a user.

Each revokes refresh tokens in the database and writes a revocation marker every subgraph
checks, so access tokens already handed out stop working on their next request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from subgraphs.accounts.domain import events as ev
from subgraphs.accounts.service_layer.ports import NoSessionIndex, Revocations, SessionIndex, UnitOfWork
from subgraphs.platform.errors import BadUserInput, Forbidden, NotFound
from subgraphs.platform.events import Event
from subgraphs.platform.identity import Principal
from subgraphs.platform.results import InputErrors

MAX_BULK = 100


def _event(event_type: str, user_id: uuid.UUID, **data: object) -> Event:
    return Event(
        type=event_type, aggregate_type="user", aggregate_id=user_id, data={"userId": str(user_id), **data}
    )


@dataclass
class Devices:
    revocations: Revocations
    clock: Callable[[], datetime]
    sessions: SessionIndex = field(default_factory=NoSessionIndex)

    async def revoke_devices(
        self, uow: UnitOfWork, actor: Principal, device_ids: Sequence[uuid.UUID]
    ) -> list[uuid.UUID]:
        """A lost or stolen device: its sessions end and it can no longer refresh."""
        if not device_ids or len(device_ids) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} devices.", field="ids")])
        async with uow:
            now = self.clock()
            found: list[tuple[uuid.UUID, uuid.UUID]] = []
            errors = []
            for i, device_id in enumerate(device_ids):
                owner = await uow.repo.device_owner(device_id)
                # Someone else's device is reported exactly like a missing one.
                if owner is None or not (actor.is_admin or owner == actor.user_id):
                    errors.append(NotFound("Device not found.", field=f"ids.{i}"))
                else:
                    found.append((owner, device_id))
            if errors:
                raise InputErrors(errors)
            for owner, device_id in found:
                await uow.repo.revoke_device_tokens(owner, device_id, now)
                await uow.repo.revoke_device(owner, device_id, now)
                uow.events.append(
                    _event(ev.DEVICE_REVOKED, owner, deviceId=str(device_id), by=str(actor.user_id))
                )
            await uow.commit()
        for owner, device_id in found:
            await self.revocations.revoke_device(device_id, now)
            await self.sessions.device_closed(owner, device_id)
        return [d for _, d in found]

    async def revoke_session(self, uow: UnitOfWork, actor: Principal, session_id: uuid.UUID) -> uuid.UUID:
        async with uow:
            owner = await uow.repo.session_owner(session_id)
            if owner is None or not (actor.is_admin or owner[0] == actor.user_id):
                raise InputErrors([NotFound("Session not found.", field="id")])
            user_id, device_id = owner
            now = self.clock()
            await uow.repo.revoke_family(user_id, session_id, now)
            await uow.repo.revoke_device(user_id, device_id, now)
            uow.events.append(
                _event(ev.SESSION_REVOKED, user_id, sessionId=str(session_id), by=str(actor.user_id))
            )
            await uow.commit()
        await self.revocations.revoke_device(device_id, now)
        await self.sessions.closed(user_id, session_id)
        await self.sessions.device_closed(user_id, device_id)
        return session_id

    async def sign_out_everywhere(
        self, uow: UnitOfWork, actor: Principal, user_id: uuid.UUID | None = None
    ) -> uuid.UUID:
        """`logoutAllDevices` for oneself; admins pass another user's id to force them out."""
        target = user_id or actor.user_id
        if target != actor.user_id and not actor.is_admin:
            raise Forbidden("Only admins can sign other users out.")
        async with uow:
            if await uow.repo.get_user(target) is None:
                raise InputErrors([NotFound("User not found.", field="userId")])
            now = self.clock()
            await uow.repo.revoke_all_user_tokens(target, now)
            uow.events.append(_event(ev.SIGNED_OUT_EVERYWHERE, target, by=str(actor.user_id)))
            await uow.commit()
        await self.revocations.revoke_user(target, now)
        await self.sessions.user_closed(target, now)
        return target
