"""The access-token revocation list in Redis, shared by the issuer and every verifier.

Access tokens live five minutes; revoking one (logout, a stolen device, a password reset, a
removed role) writes a marker that lives as long as the tokens it kills. Verifiers check the
token's id, device and user markers in one MGET and reuse a "not revoked" answer for half a
second, so a revocation is seen everywhere within a second while a busy client costs one MGET
per 0.5 s. The router reads the same markers the same way for answers it serves from memory
(router/revocations.ts): change the two together.

The markers are a projection of the revocations accounts records in PostgreSQL. The same MGET
reads `revoked:epoch`, which accounts writes only after it has (re)built every live marker from
those records: a Valkey that restarted empty has no epoch, so no verifier can mistake "no
marker" for "not revoked" (one restored from a snapshot has an epoch of an earlier server life,
which the keeper deletes within half a second: `has_epoch`). Without the epoch, or without
Valkey, a signed-in request gets SERVICE_UNAVAILABLE (fail closed) until the markers are back;
anonymous requests are unaffected.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from subgraphs.contracts.access import Principal, Revocation
from subgraphs.platform.kernel.errors import ServiceUnavailable

EPOCH_KEY = "revoked:epoch"

# How long a "not revoked" answer is reused in-process; revocations must be seen within 1 s.
CLEAN_ANSWER_SECONDS = 0.5


def _unavailable(why: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"Signed-in requests are paused: {why}. Retry shortly.", dependency="redis", retry_after_seconds=1
    )


class RedisRevocations:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._clean_until: dict[tuple[str | None, str | None, uuid.UUID], float] = {}

    async def write(self, revocation: Revocation) -> None:
        """The marker of one revocation; raises ServiceUnavailable when Valkey cannot take it."""
        try:
            await self._redis.set(
                revocation.marker_key, str(revocation.cutoff).encode(), exat=revocation.expires_at + 30
            )
        except RedisError as exc:
            raise _unavailable("the revocation list cannot be written") from exc
        self._forget(revocation)

    async def has_epoch(self) -> bool:
        """False when the markers must be rebuilt: Valkey lost them, or restarted from a snapshot.

        The epoch names the Valkey server life (`run_id`) it was written in: a snapshot restored
        at a restart brings an epoch of an earlier life, with the markers of revocations made
        after the snapshot missing. Such an epoch is deleted at once (verifiers fail closed from
        then on) and the markers are rebuilt.
        """
        epoch = cast(bytes | None, await self._redis.get(EPOCH_KEY))
        if epoch is None:
            return False
        if epoch.decode() == await self._run_id():
            return True
        await self._redis.delete(EPOCH_KEY)
        return False

    async def _run_id(self) -> str:
        info = cast(dict[str, object], await self._redis.info("server"))
        return str(info["run_id"])

    async def restore(self, revocations: Sequence[Revocation]) -> None:
        """Rewrite every live marker, then the epoch that tells verifiers the list is whole."""
        now = int(time.time())
        run_id = await self._run_id()
        async with self._redis.pipeline(transaction=False) as pipe:
            for revocation in revocations:
                if revocation.expires_at > now:
                    # NX-free SET with the later cutoff wins: a marker written meanwhile by a
                    # new revocation of the same subject is never lowered (GREATEST via Lua).
                    pipe.eval(
                        _SET_LATER, 1, revocation.marker_key, revocation.cutoff, revocation.expires_at + 30
                    )
            pipe.set(EPOCH_KEY, run_id.encode())
            await pipe.execute()
        self._clean_until.clear()

    def _forget(self, revocation: Revocation) -> None:
        # This process sees its own revocations at once; others within CLEAN_ANSWER_SECONDS.
        position = {"token": 0, "device": 1}.get(revocation.kind, 2)
        for key in [k for k in self._clean_until if str(k[position]) == revocation.subject]:
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
            EPOCH_KEY,
        ]
        try:
            token, device, user, epoch = cast(list[bytes | None], await self._redis.mget(keys))
        except RedisError as exc:
            raise _unavailable("the revocation list cannot be read") from exc
        if epoch is None:
            raise _unavailable("the revocation list is being rebuilt")
        if token is not None and principal.token_id:
            return True
        return any(
            marker is not None and principal.issued_at <= int(marker)
            for marker in (device if principal.device_id else None, user)
        )


# SET key cutoff EX ttl, unless the key already holds a later cutoff.
_SET_LATER = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EXAT', ARGV[2])
end
return 1
"""
