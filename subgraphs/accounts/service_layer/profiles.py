"""Profile changes: your own, or anyone's for admins; someone else's looks missing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from subgraphs.accounts.service_layer.ports import OpenAccountsUnitOfWork
from subgraphs.contracts.access import Principal
from subgraphs.contracts.accounts import ProfileUpdated
from subgraphs.platform.kernel.errors import BadUserInput, NotFound
from subgraphs.platform.kernel.results import InputErrors


@dataclass(frozen=True)
class Profiles:
    uow: OpenAccountsUnitOfWork

    async def update_profile(
        self, actor: Principal, user_id: uuid.UUID | None, display_name: str | None
    ) -> uuid.UUID:
        """`user_id` None: a malformed id, reported like someone else's."""
        if user_id is None or (user_id != actor.user_id and not actor.is_admin):
            raise InputErrors([NotFound("User not found.", field="userId")])
        changes: dict[str, object] = {}
        if display_name is not None:
            name = " ".join(display_name.split())
            if not 1 <= len(name) <= 100:
                raise InputErrors(
                    [BadUserInput("Display name must be 1 to 100 characters.", field="displayName")]
                )
            changes["display_name"] = name
        async with self.uow() as uow:
            if not await uow.repo.update_user(user_id, changes):
                raise InputErrors([NotFound("User not found.", field="userId")])
            uow.events.append(ProfileUpdated(user_id=user_id, changed=sorted(changes), by=actor.user_id))
            await uow.commit()
        return user_id
