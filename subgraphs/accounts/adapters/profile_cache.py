"""Per-user profile cache in Redis for reads (`me`, `user`, entity lookups).

Entries live 30 seconds and are dropped after every committed change that names the user
(any event whose aggregate is the user). Security decisions never read it: logins and
refreshes load roles and status from PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import orjson
from redis.asyncio import Redis

from subgraphs.accounts.domain.model import KycStatus, User
from subgraphs.platform.events import Event

TTL_SECONDS = 30


def _key(user_id: uuid.UUID) -> str:
    return f"profile:v1:{user_id}"


def _dump(user: User) -> bytes:
    return orjson.dumps(
        {
            "id": str(user.id),
            "email": user.email,
            "display_name": user.display_name,
            "kyc_status": user.kyc_status.value,
            "roles": sorted(user.roles),
            "is_active": user.is_active,
            "created_at": user.created_at.isoformat() if user.created_at else None,
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        }
    )


def _load(raw: bytes) -> User:
    d: dict[str, Any] = orjson.loads(raw)
    return User(
        id=uuid.UUID(d["id"]),
        email=d["email"],
        password_hash="",
        display_name=d["display_name"],
        kyc_status=KycStatus(d["kyc_status"]),
        roles=frozenset(d["roles"]),
        is_active=d["is_active"],
        created_at=datetime.fromisoformat(d["created_at"]) if d["created_at"] else None,
        last_login_at=datetime.fromisoformat(d["last_login_at"]) if d["last_login_at"] else None,
    )


class ProfileCache:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def get_many(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]:
        if not user_ids:
            return {}
        values = cast(list[bytes | None], await self._redis.mget([_key(u) for u in user_ids]))
        return {u: _load(v) for u, v in zip(user_ids, values, strict=True) if v is not None}

    async def put_many(self, users: Sequence[User]) -> None:
        if users:
            async with self._redis.pipeline(transaction=False) as pipe:
                for user in users:
                    pipe.set(_key(user.id), _dump(user), ex=TTL_SECONDS)
                await pipe.execute()

    async def forget_changed(self, events: Sequence[Event]) -> None:
        """After-commit hook: drop the profiles the committed events touched."""
        ids = {e.aggregate_id for e in events if e.aggregate_type == "user"}
        ids |= {uuid.UUID(str(e.data["userId"])) for e in events if "userId" in e.data}
        if ids:
            await self._redis.delete(*(_key(i) for i in ids))
