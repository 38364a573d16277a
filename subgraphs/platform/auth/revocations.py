"""The access-token revocation list in Redis, shared by the issuer and every verifier.

Access tokens live five minutes; revoking one (logout, a stolen device, a password reset)
writes a marker that lives as long as the tokens it kills. Verifiers check the token's id,
device and user markers in one MGET and reuse a "not revoked" answer for half a second, so a
revocation is seen everywhere within a second while a busy client costs one MGET per 0.5 s.
The router reads the same markers the same way for answers it serves from memory
(router/revocations.ts): change the two together.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from redis.asyncio import Redis

from subgraphs.contracts.access import Principal

# Longer than any access token lives (5 minutes) plus clock leeway.
MARKER_TTL = timedelta(minutes=10)


# How long a "not revoked" answer is reused in-process; revocations must be seen within 1 s.
CLEAN_ANSWER_SECONDS = 0.5


class RedisRevocations:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._clean_until: dict[tuple[str | None, str | None, uuid.UUID], float] = {}

    async def revoke_token(self, jti: str, expires_at: datetime) -> None:
        await self._redis.set(f"revoked:jti:{jti}", b"1", exat=int(expires_at.timestamp()) + 30)
        self._forget(lambda key: key[0] == jti)

    async def revoke_device(self, device_id: uuid.UUID, at: datetime) -> None:
        """Every access token of the device issued up to `at` is refused."""
        await self._redis.set(
            f"revoked:device:{device_id}", str(int(at.timestamp())).encode(), px=_ms(MARKER_TTL)
        )
        self._forget(lambda key: key[1] == str(device_id))

    async def revoke_user(self, user_id: uuid.UUID, at: datetime) -> None:
        await self._redis.set(
            f"revoked:user:{user_id}", str(int(at.timestamp())).encode(), px=_ms(MARKER_TTL)
        )
        self._forget(lambda key: key[2] == user_id)

    def _forget(self, matches: Callable[[tuple[str | None, str | None, uuid.UUID]], bool]) -> None:
        # This process sees its own revocations at once; others within CLEAN_ANSWER_SECONDS.
        for key in [k for k in self._clean_until if matches(k)]:
            del self._clean_until[key]

    async def is_revoked(self, principal: Principal) -> bool:
        key = (principal.token_id, principal.device_id, principal.user_id)
        now = time.monotonic()
        if self._clean_until.get(key, 0.0) > now:
            return False
        revoked = await self._lookup(principal)
        if not revoked:
            if len(self._clean_until) >= 50_000:
                self._clean_until.clear()
            self._clean_until[key] = now + CLEAN_ANSWER_SECONDS
        return revoked

    async def _lookup(self, principal: Principal) -> bool:
        keys = [
            f"revoked:jti:{principal.token_id}",
            f"revoked:device:{principal.device_id}",
            f"revoked:user:{principal.user_id}",
        ]
        token, device, user = cast(list[bytes | None], await self._redis.mget(keys))
        if token is not None and principal.token_id:
            return True
        return any(
            marker is not None and principal.issued_at <= int(marker)
            for marker in (device if principal.device_id else None, user)
        )


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)
