"""Per-user caches in Redis: the profile (for reads such as `me`) and the role set (for
minting tokens at login and refresh).

Both are dropped after every committed change that names the user (any event about the
user). A removed role cannot linger in a token through a stale cache: removal also writes
a revocation marker *after* the cache is dropped, which refuses every token minted before
it. Entries also expire on their own (profile 30 s, roles 120 s) as a last resort.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import orjson
from redis.asyncio import Redis

from subgraphs.accounts.domain.model import KycStatus, User
from subgraphs.contracts.accounts import UserEvent
from subgraphs.platform.cache.soft import soft
from subgraphs.platform.kernel.messages import EventContract

TTL_SECONDS = 30
ROLES_TTL_SECONDS = 120


def _key(user_id: uuid.UUID) -> str:
    return f"profile:v1:{user_id}"


def _roles_key(user_id: uuid.UUID) -> str:
    return f"roles:v1:{user_id}"


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
        keys = [_key(u) for u in user_ids]
        values = cast(list[bytes | None], await soft(self._redis.mget(keys), [None] * len(keys)))
        return {u: _load(v) for u, v in zip(user_ids, values, strict=True) if v is not None}

    async def put_many(self, users: Sequence[User]) -> None:
        if users:
            async with self._redis.pipeline(transaction=False) as pipe:
                for user in users:
                    pipe.set(_key(user.id), _dump(user), ex=TTL_SECONDS)
                await soft(pipe.execute(), None)

    async def get_roles(self, user_id: uuid.UUID) -> frozenset[str] | None:
        raw = cast(bytes | None, await soft(self._redis.get(_roles_key(user_id)), None))
        return frozenset(orjson.loads(raw)) if raw is not None else None

    async def put_roles(self, user_id: uuid.UUID, roles: frozenset[str]) -> None:
        await soft(
            self._redis.set(_roles_key(user_id), orjson.dumps(sorted(roles)), ex=ROLES_TTL_SECONDS), None
        )

    async def forget(self, user_ids: Sequence[uuid.UUID]) -> None:
        """Strict: raises when Redis is away, so a change is refused rather than left stale."""
        if user_ids:
            await self._redis.delete(*(_key(i) for i in user_ids), *(_roles_key(i) for i in user_ids))

    async def forget_changed(self, events: Sequence[EventContract]) -> None:
        """After-commit hook: drop the profiles and role sets of every user the committed events name."""
        await self.forget(sorted({e.user_id for e in events if isinstance(e, UserEvent)}))
