"""Roles, permissions and who holds which role.

Admins manage roles and assignments; only super-admins manage permissions or hand out the
admin and superadmin roles. Every change is an audit event. A granted role reaches the
user's token at the next refresh; a removed one takes effect at once, because removing a
role revokes the user's current access tokens.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from subgraphs.accounts.domain import events as ev
from subgraphs.accounts.service_layer.ports import Revocations
from subgraphs.platform.errors import AppError, BadUserInput, Conflict, Forbidden, NotFound
from subgraphs.platform.events import Event
from subgraphs.platform.identity import Principal
from subgraphs.platform.ids import new_id
from subgraphs.platform.results import InputErrors

NAME = re.compile(r"^[a-z][a-z0-9_-]{1,63}$")
PRIVILEGED = frozenset({"admin", "superadmin"})
MAX_BULK = 100


class AccessRepository(Protocol):
    async def existing_role_names(self, names: Sequence[str]) -> set[str]: ...
    async def add_roles(self, rows: Sequence[dict[str, Any]]) -> None: ...
    async def existing_permissions(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]: ...
    async def missing_permissions(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]: ...
    async def add_permissions(self, rows: Sequence[dict[str, Any]]) -> None: ...
    async def link_permissions(self, role_id: uuid.UUID, permission_ids: Sequence[uuid.UUID]) -> None: ...
    async def existing_users(self, user_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]: ...
    async def grant(self, user_id: uuid.UUID, role: str, by: uuid.UUID) -> bool: ...
    async def revoke(self, user_id: uuid.UUID, role: str) -> bool: ...


class AccessUnitOfWork(Protocol):
    events: list[Event]

    @property
    def repo(self) -> AccessRepository: ...

    async def __aenter__(self) -> AccessUnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...


@dataclass(frozen=True)
class RoleSpec:
    name: str
    description: str = ""
    permission_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class PermissionSpec:
    resource: str
    action: str
    description: str = ""


def _is_superadmin(actor: Principal) -> bool:
    return "superadmin" in actor.roles


def _audit(event_type: str, aggregate: uuid.UUID, actor: Principal, **data: object) -> Event:
    return Event(
        type=event_type,
        aggregate_type="access",
        aggregate_id=aggregate,
        data={"by": str(actor.user_id), **data},
    )


def _bulk(items: Sequence[object], field: str) -> None:
    if not items or len(items) > MAX_BULK:
        raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} rows.", field=field)])


@dataclass
class Access:
    revocations: Revocations
    clock: Callable[[], datetime]

    async def create_roles(
        self, uow: AccessUnitOfWork, actor: Principal, specs: Sequence[RoleSpec]
    ) -> list[uuid.UUID]:
        if not actor.is_admin and not _is_superadmin(actor):
            raise Forbidden("Only admins manage roles.")
        _bulk(specs, "roles")
        errors: list[AppError] = [
            BadUserInput("Role names are 2 to 64 lowercase letters, digits, - or _.", field=f"roles.{i}.name")
            for i, s in enumerate(specs)
            if not NAME.match(s.name)
        ]
        async with uow:
            taken = await uow.repo.existing_role_names([s.name for s in specs])
            seen: set[str] = set()
            for i, spec in enumerate(specs):
                if spec.name in taken or spec.name in seen:
                    errors.append(Conflict(f"Role {spec.name!r} already exists.", field=f"roles.{i}.name"))
                seen.add(spec.name)
            missing = await uow.repo.missing_permissions([p for s in specs for p in s.permission_ids])
            errors += [
                NotFound("Permission not found.", field=f"roles.{i}.permissionIds")
                for i, s in enumerate(specs)
                if set(s.permission_ids) & missing
            ]
            if errors:
                raise InputErrors(errors)
            ids = [new_id() for _ in specs]
            await uow.repo.add_roles(
                [
                    {"id": i, "name": s.name, "description": s.description[:300]}
                    for i, s in zip(ids, specs, strict=True)
                ]
            )
            for role_id, spec in zip(ids, specs, strict=True):
                await uow.repo.link_permissions(role_id, list(spec.permission_ids))
                uow.events.append(_audit(ev.ROLE_CREATED, role_id, actor, role=spec.name))
            await uow.commit()
        return ids

    async def create_permissions(
        self, uow: AccessUnitOfWork, actor: Principal, specs: Sequence[PermissionSpec]
    ) -> list[uuid.UUID]:
        if not _is_superadmin(actor):
            raise Forbidden("Only super-admins manage permissions.")
        _bulk(specs, "permissions")
        errors: list[AppError] = []
        for i, s in enumerate(specs):
            if not NAME.match(s.resource):
                errors.append(
                    BadUserInput("Resource must be a lowercase name.", field=f"permissions.{i}.resource")
                )
            if not NAME.match(s.action):
                errors.append(
                    BadUserInput("Action must be a lowercase name.", field=f"permissions.{i}.action")
                )
        async with uow:
            taken = await uow.repo.existing_permissions([(s.resource, s.action) for s in specs])
            seen: set[tuple[str, str]] = set()
            for i, s in enumerate(specs):
                if (s.resource, s.action) in taken or (s.resource, s.action) in seen:
                    errors.append(Conflict("This permission already exists.", field=f"permissions.{i}"))
                seen.add((s.resource, s.action))
            if errors:
                raise InputErrors(errors)
            ids = [new_id() for _ in specs]
            await uow.repo.add_permissions(
                [
                    {"id": i, "resource": s.resource, "action": s.action, "description": s.description[:300]}
                    for i, s in zip(ids, specs, strict=True)
                ]
            )
            uow.events += [
                _audit(ev.PERMISSION_CREATED, i, actor, resource=s.resource, action=s.action)
                for i, s in zip(ids, specs, strict=True)
            ]
            await uow.commit()
        return ids

    async def assign(
        self, uow: AccessUnitOfWork, actor: Principal, grants: Sequence[tuple[uuid.UUID, str]]
    ) -> list[tuple[uuid.UUID, str]]:
        if not actor.is_admin and not _is_superadmin(actor):
            raise Forbidden("Only admins assign roles.")
        _bulk(grants, "assignments")
        async with uow:
            errors = await self._check_grants(uow, actor, grants)
            if errors:
                raise InputErrors(errors)
            for user_id, role in grants:
                if await uow.repo.grant(user_id, role, actor.user_id):
                    uow.events.append(_audit(ev.ROLE_GRANTED, user_id, actor, userId=str(user_id), role=role))
            await uow.commit()
        return list(grants)

    async def revoke(self, uow: AccessUnitOfWork, actor: Principal, user_id: uuid.UUID, role: str) -> None:
        if not actor.is_admin and not _is_superadmin(actor):
            raise Forbidden("Only admins remove roles.")
        async with uow:
            errors = await self._check_grants(uow, actor, [(user_id, role)])
            if errors:
                raise InputErrors(errors)
            if not await uow.repo.revoke(user_id, role):
                raise InputErrors([NotFound("The user does not have this role.", field="role")])
            uow.events.append(_audit(ev.ROLE_REVOKED, user_id, actor, userId=str(user_id), role=role))
            await uow.commit()
        # Tokens carry roles: the user's current ones must not outlive the removal.
        await self.revocations.revoke_user(user_id, self.clock())

    async def _check_grants(
        self, uow: AccessUnitOfWork, actor: Principal, grants: Sequence[tuple[uuid.UUID, str]]
    ) -> list[AppError]:
        roles = await uow.repo.existing_role_names([r for _, r in grants])
        users = await uow.repo.existing_users([u for u, _ in grants])
        errors: list[AppError] = []
        for i, (user_id, role) in enumerate(grants):
            if role not in roles:
                errors.append(NotFound(f"Role {role!r} does not exist.", field=f"assignments.{i}.role"))
            elif role in PRIVILEGED and not _is_superadmin(actor):
                errors.append(
                    Forbidden("Only super-admins hand out admin roles.", field=f"assignments.{i}.role")
                )
            if user_id not in users:
                errors.append(NotFound("User not found.", field=f"assignments.{i}.userId"))
        return errors
