"""Profile changes: your own, or anyone's for admins; someone else's looks missing."""

from __future__ import annotations

import uuid

from subgraphs.accounts.domain import events as ev
from subgraphs.accounts.service_layer.ports import UnitOfWork
from subgraphs.platform.errors import BadUserInput, NotFound
from subgraphs.platform.events import Event
from subgraphs.platform.identity import Principal
from subgraphs.platform.results import InputErrors


async def update_profile(
    uow: UnitOfWork, actor: Principal, user_id: uuid.UUID, display_name: str | None
) -> None:
    if user_id != actor.user_id and not actor.is_admin:
        raise InputErrors([NotFound("User not found.", field="userId")])
    changes: dict[str, object] = {}
    if display_name is not None:
        name = " ".join(display_name.split())
        if not 1 <= len(name) <= 100:
            raise InputErrors(
                [BadUserInput("Display name must be 1 to 100 characters.", field="displayName")]
            )
        changes["display_name"] = name
    async with uow:
        if not await uow.repo.update_user(user_id, changes):
            raise InputErrors([NotFound("User not found.", field="userId")])
        uow.events.append(
            Event(
                type=ev.PROFILE_UPDATED,
                aggregate_type="user",
                aggregate_id=user_id,
                data={"userId": str(user_id), "changed": sorted(changes), "by": str(actor.user_id)},
            )
        )
        await uow.commit()
