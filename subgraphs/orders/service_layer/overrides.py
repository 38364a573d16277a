"""Admin overrides (the spec's AdminOverridePermission rows) and the audit log of their uses.

An admin opens an override on one order or return, for one action, for at most an hour, with
a reason; while it lasts, that admin may make that move there though the rules refuse it. A
use is recorded in the same transaction as the move it allowed (`audit.override_used`, through
the outbox), and the audit consumer keeps it in the AuditLog, which nothing updates or deletes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from subgraphs.contracts.access import Principal
from subgraphs.contracts.audit import OverrideUsed
from subgraphs.orders.domain.overrides import AdminOverride, OverrideAction, ResourceType, check_opening
from subgraphs.orders.service_layer.ports import OpenOrdersUnitOfWork, OrdersUnitOfWork
from subgraphs.platform.kernel.errors import Forbidden, NotFound, Unauthenticated
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.kernel.unit_of_work import Claim

KIND_OF = {ResourceType.ORDER: "ORDER", ResourceType.RETURN: "RETURN"}


@dataclass(frozen=True, slots=True)
class OverrideQuery:
    resource_id: uuid.UUID | None = None
    admin_id: uuid.UUID | None = None
    active_at: datetime | None = None  # only those active then


@dataclass(frozen=True, slots=True)
class AuditQuery:
    resource_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    after: datetime | None = None
    before: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: uuid.UUID
    user_id: uuid.UUID
    override_id: uuid.UUID
    action: str
    resource_type: str
    resource_id: uuid.UUID
    detail: str
    reason: str
    request_id: str | None
    at: datetime


class OverrideReads(Protocol):
    async def override(self, override_id: uuid.UUID) -> AdminOverride | None: ...
    async def overrides(self, query: OverrideQuery, page: PageArgs) -> Page[AdminOverride]: ...
    async def audit(self, query: AuditQuery, page: PageArgs) -> Page[AuditEntry]: ...


def _admin(principal: Principal | None) -> Principal:
    if principal is None:
        raise Unauthenticated("Sign in as an admin.")
    if not principal.is_admin:
        raise Forbidden("Only admins open, see and use overrides.")
    return principal


async def use_override(
    uow: OrdersUnitOfWork,
    principal: Principal,
    resource: ResourceType,
    resource_id: uuid.UUID,
    action: OverrideAction,
    detail: str,
    request_id: str | None,
    now: datetime,
) -> bool:
    """True when an active override lets this admin do `action` on the resource; the use is
    then on record with the transaction's other changes."""
    if not principal.is_admin:
        return False
    found = await uow.repo.active_override(principal.user_id, resource_id, action, now)
    if found is None:
        return False
    uow.events.append(
        OverrideUsed(
            override_id=found.id,
            admin_id=principal.user_id,
            action=action.value,
            resource_type=resource.value,
            resource_id=resource_id,
            detail=detail,
            reason=found.reason,
            request_id=request_id or None,
            at=now,
        )
    )
    return True


@dataclass(frozen=True)
class AdminOverrides:
    uow: OpenOrdersUnitOfWork
    reads: OverrideReads
    clock: Callable[[], datetime]

    async def open(
        self,
        principal: Principal | None,
        resource: ResourceType,
        resource_id: uuid.UUID,
        action: OverrideAction,
        reason: str,
        minutes: int,
    ) -> AdminOverride:
        admin = _admin(principal)
        problems = check_opening(action, resource, reason, minutes)
        if problems:
            raise InputErrors(problems)
        now = self.clock()
        async with self.uow() as uow:
            keys = await uow.repo.keys(resource_id)
            if keys is None or keys.kind != KIND_OF[resource]:
                raise InputErrors([NotFound(f"No such {resource.value.lower()}.", field="resourceId")])
            override = AdminOverride(
                id=new_id(),
                admin_id=admin.user_id,
                resource_type=resource,
                resource_id=resource_id,
                action=action,
                reason=reason.strip(),
                expires_at=now + timedelta(minutes=minutes),
                created_at=now,
            )
            await uow.repo.add_override(override)
            await uow.commit()
        return override

    async def revoke(self, principal: Principal | None, override_id: uuid.UUID) -> AdminOverride:
        _admin(principal)
        found = await self.reads.override(override_id)
        if found is None:
            raise InputErrors([NotFound("No such override.", field="id")])
        async with self.uow() as uow:
            held = await uow.repo.override(found.admin_id, override_id)
            assert held is not None
            if held.revoked_at is None:
                held.revoked_at = self.clock()
                await uow.repo.revoke_override(held)
            await uow.commit()
        return held

    async def override(self, principal: Principal | None, override_id: uuid.UUID) -> AdminOverride | None:
        _admin(principal)
        return await self.reads.override(override_id)

    async def overrides(
        self, principal: Principal | None, query: OverrideQuery, page: PageArgs
    ) -> Page[AdminOverride]:
        _admin(principal)
        return await self.reads.overrides(query, page)

    async def audit(self, principal: Principal | None, query: AuditQuery, page: PageArgs) -> Page[AuditEntry]:
        _admin(principal)
        return await self.reads.audit(query, page)

    async def record(self, event_id: uuid.UUID, used: OverrideUsed, claim: Claim) -> bool:
        """The audit consumer's step: the use on record, once."""
        async with self.uow(claim) as uow:
            added = await uow.repo.record_use(event_id, used)
            await uow.commit()
        return added
