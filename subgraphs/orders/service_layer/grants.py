"""Explicit access to one order: admins grant and revoke it; every order read asks it last.

A decision ("may this user see this order, and as what") is cached in Valkey for at most
DECISION_SECONDS and never past the grant's expiry; a grant or revocation drops the cached
decision before its commit (refused when Valkey is away, so no stale "yes" can outlive a
revocation) and again after it. A dead cache is a miss: the rows decide.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from subgraphs.contracts.access import Principal
from subgraphs.contracts.orders import OrderAccessChanged
from subgraphs.orders.domain.grants import GrantRole, OrderGrant
from subgraphs.orders.service_layer.ports import GrantDecisions, OpenOrdersUnitOfWork
from subgraphs.platform.kernel.errors import BadUserInput, Forbidden, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors

LONGEST_GRANT = timedelta(days=90)


@dataclass(frozen=True)
class OrderGrants:
    uow: OpenOrdersUnitOfWork
    decisions: GrantDecisions
    clock: Callable[[], datetime]

    async def role_of(self, user_id: uuid.UUID, order_id: uuid.UUID) -> GrantRole | None:
        """The user's active grant on the order, if any (cached decision, else the rows)."""
        cached, known = await self.decisions.get(user_id, order_id)
        if known:
            return cached
        async with self.uow() as uow:
            grant = await uow.repo.grant_for(user_id, order_id)
        now = self.clock()
        active = grant if grant is not None and grant.active(now) else None
        until = active.expires_at if active else None
        await self.decisions.put(user_id, order_id, active.role if active else None, until)
        return active.role if active else None

    async def grant(
        self, admin: Principal, order_id: uuid.UUID, user_id: uuid.UUID, role: GrantRole, expires_at: datetime
    ) -> OrderGrant:
        if not admin.is_admin:
            raise Forbidden("Only admins grant access to orders.")
        now = self.clock()
        if not now < expires_at <= now + LONGEST_GRANT:
            raise InputErrors(
                [BadUserInput("A grant expires in the future, within 90 days.", field="input.expiresAt")]
            )
        async with self.uow() as uow:
            keys = await uow.repo.keys(order_id)
            if keys is None or keys.kind != "ORDER":
                raise InputErrors([NotFound("Order not found.", field="input.orderId")])
            grant = OrderGrant(new_id(), user_id, order_id, role, admin.user_id, expires_at, now)
            grant = await uow.repo.put_grant(grant)  # one grant per user and order: the latest wins
            uow.events.append(
                OrderAccessChanged(
                    order_id=order_id,
                    user_id=user_id,
                    grant_id=grant.id,
                    role=role.value,
                    expires_at=expires_at,
                    by=admin.user_id,
                )
            )
            await uow.commit()
        return grant

    async def revoke(self, admin: Principal, grant_id: uuid.UUID) -> uuid.UUID:
        if not admin.is_admin:
            raise Forbidden("Only admins revoke access to orders.")
        async with self.uow() as uow:
            keys = await uow.repo.keys(grant_id)
            grant = await uow.repo.grant(keys.buyer_id, grant_id) if keys and keys.kind == "GRANT" else None
            if grant is None:
                raise InputErrors([NotFound("Order permission not found.", field="id")])
            await uow.repo.delete_grant(grant)
            uow.events.append(
                OrderAccessChanged(
                    order_id=grant.order_id,
                    user_id=grant.user_id,
                    grant_id=grant.id,
                    role=None,
                    expires_at=None,
                    by=admin.user_id,
                )
            )
            await uow.commit()
        return grant_id
