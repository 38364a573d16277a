"""Signing devices and sessions out: one device, one session, every device, or (admins) a user.

Each revokes refresh tokens in the database and writes a revocation marker every subgraph
checks, so access tokens already handed out stop working on their next request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.accounts.domain.model import Device
from subgraphs.accounts.service_layer.ports import OpenAccountsUnitOfWork, Revocations, SessionIndex
from subgraphs.accounts.service_layer.revoking import reaffirm, revoke
from subgraphs.contracts.access import Principal, Revocation
from subgraphs.contracts.accounts import DeviceRevoked, PushTokenUpdated, SessionRevoked, SignedOutEverywhere
from subgraphs.platform.kernel.errors import BadUserInput, Forbidden, NotFound
from subgraphs.platform.kernel.results import InputErrors

MAX_BULK = 100


@dataclass(frozen=True)
class Devices:
    uow: OpenAccountsUnitOfWork
    revocations: Revocations
    clock: Callable[[], datetime]
    sessions: SessionIndex

    async def revoke_devices(self, actor: Principal, device_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """A lost or stolen device: its sessions end and it can no longer refresh."""
        if not device_ids or len(device_ids) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} devices.", field="ids")])
        async with self.uow() as uow:
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
            revoked = []
            for owner, device_id in found:
                await uow.repo.revoke_device_tokens(owner, device_id, now)
                await uow.repo.revoke_device(owner, device_id, now)
                uow.events.append(DeviceRevoked(user_id=owner, device_id=device_id, by=actor.user_id))
                revoked.append(
                    await revoke(uow, self.revocations, owner, Revocation.of_device(device_id, now))
                )
            await uow.commit()
        await reaffirm(self.revocations, revoked)
        for owner, device_id in found:
            await self.sessions.device_closed(owner, device_id)
        return [d for _, d in found]

    async def revoke_session(self, actor: Principal, session_id: uuid.UUID) -> uuid.UUID:
        async with self.uow() as uow:
            owner = await uow.repo.session_owner(session_id)
            if owner is None or not (actor.is_admin or owner[0] == actor.user_id):
                raise InputErrors([NotFound("Session not found.", field="id")])
            user_id, device_id = owner
            now = self.clock()
            await uow.repo.revoke_family(user_id, session_id, now)
            await uow.repo.revoke_device(user_id, device_id, now)
            uow.events.append(SessionRevoked(user_id=user_id, session_id=session_id, by=actor.user_id))
            revoked = await revoke(uow, self.revocations, user_id, Revocation.of_device(device_id, now))
            await uow.commit()
        await reaffirm(self.revocations, [revoked])
        await self.sessions.closed(user_id, session_id)
        await self.sessions.device_closed(user_id, device_id)
        return session_id

    async def sign_out_everywhere(self, actor: Principal, user_id: uuid.UUID | None = None) -> uuid.UUID:
        """`logoutAllDevices` for oneself; admins pass another user's id to force them out."""
        target = user_id or actor.user_id
        if target != actor.user_id and not actor.is_admin:
            raise Forbidden("Only admins can sign other users out.")
        async with self.uow() as uow:
            if await uow.repo.get_user(target) is None:
                raise InputErrors([NotFound("User not found.", field="userId")])
            now = self.clock()
            await uow.repo.revoke_all_user_tokens(target, now)
            uow.events.append(SignedOutEverywhere(user_id=target, by=actor.user_id))
            revoked = await revoke(uow, self.revocations, target, Revocation.of_user(target, now))
            await uow.commit()
        await reaffirm(self.revocations, [revoked])
        await self.sessions.user_closed(target, now)
        return target

    async def set_push_token(self, actor: Principal, device_id: uuid.UUID, push_token: str) -> Device:
        """Stores the push-notification token of one of the caller's devices (not a revoked one)."""
        if not 1 <= len(push_token) <= 500:
            raise InputErrors([BadUserInput("Push token must be 1 to 500 characters.", field="pushToken")])
        async with self.uow() as uow:
            device = await uow.repo.set_push_token(actor.user_id, device_id, push_token)
            if device is None:
                raise InputErrors([NotFound("Device not found.", field="id")])
            uow.events.append(PushTokenUpdated(user_id=actor.user_id, device_id=device_id))
            await uow.commit()
        return device
