"""The access-token revocation list in Redis, shared by the issuer and every verifier.

Access tokens live five minutes; revoking one (logout, a stolen device, a password reset)
writes a marker that lives as long as the tokens it kills. Verifiers check the token's id,
device and user markers in one MGET, so a revocation is seen everywhere on the next request.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import cast

from redis.asyncio import Redis

from subgraphs.platform.identity import Principal

# Longer than any access token lives (5 minutes) plus clock leeway.
MARKER_TTL = timedelta(minutes=10)


class RedisRevocations:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def revoke_token(self, jti: str, expires_at: datetime) -> None:
        await self._redis.set(f"revoked:jti:{jti}", b"1", exat=int(expires_at.timestamp()) + 30)

    async def revoke_device(self, device_id: uuid.UUID, at: datetime) -> None:
        """Every access token of the device issued up to `at` is refused."""
        await self._redis.set(
            f"revoked:device:{device_id}", str(int(at.timestamp())).encode(), px=_ms(MARKER_TTL)
        )

    async def revoke_user(self, user_id: uuid.UUID, at: datetime) -> None:
        await self._redis.set(
            f"revoked:user:{user_id}", str(int(at.timestamp())).encode(), px=_ms(MARKER_TTL)
        )

    async def is_revoked(self, principal: Principal) -> bool:
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
