"""Active sessions per user in Redis, for security dashboards (`activeSessions`, `activeSessionCount`).

PostgreSQL (the refresh-token families) stays authoritative; this is an index kept after
each commit. One hash per user holds:

- `s:<session>`: the session (device, ip, started, last refreshed, expiry; JSON)
- `x:<session>` / `d:<device>`: tombstones for a closed session / a signed-out device
- `u`: when the user was signed out everywhere (epoch ms)
- `built`: set when the hash was (re)built from PostgreSQL

Readers drop entries that a tombstone, `u` or their expiry rules out. Tombstones make the
index safe against the races a plain delete would lose: a refresh committed just before a
revocation but written to Redis just after it, or a rebuild that read PostgreSQL just before
a revocation. A user whose hash has no `built` mark (new, evicted or flushed) is rebuilt
from PostgreSQL on the next read.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import cast

import orjson
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from subgraphs.accounts.domain.model import REFRESH_TOKEN_TTL
from subgraphs.accounts.service_layer.ports import ActiveSession

log = logging.getLogger(__name__)

KEEP_SECONDS = int(REFRESH_TOKEN_TTL.total_seconds())
# Fields beyond this many trigger pruning of expired entries and old tombstones.
PRUNE_ABOVE = 64


Rebuild = Callable[[uuid.UUID], Awaitable[Sequence[ActiveSession]]]


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _key(user_id: uuid.UUID) -> str:
    return f"sessions:v1:{user_id}"


def _entry(session: ActiveSession) -> bytes:
    return orjson.dumps(
        {
            "d": str(session.device_id),
            "ip": session.ip,
            "s": _ms(session.started_at),
            "r": _ms(session.last_refreshed_at),
            "e": _ms(session.expires_at),
        }
    )


class RedisSessionIndex:
    def __init__(self, redis: Redis, rebuild: Rebuild) -> None:
        self._redis = redis
        self._rebuild = rebuild

    async def opened(self, session: ActiveSession) -> None:
        """A login or a refresh: (re)writes the session's entry.

        The sign-in itself is committed by now, so a Redis failure must not fail it: the
        entry is skipped and the index falls back to a rebuild at the next read.
        """
        key = _key(session.user_id)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, f"s:{session.id}", _entry(session))
                pipe.expire(key, KEEP_SECONDS)
                pipe.hlen(key)
                *_, size = await pipe.execute()
            if int(size) > PRUNE_ABOVE:
                await self._prune(session.user_id)
        except RedisError:
            log.warning("session index write failed; rebuilt at next read", exc_info=True)
            with contextlib.suppress(RedisError):
                await self._redis.hdel(key, "built")

    async def closed(self, user_id: uuid.UUID, session_id: uuid.UUID) -> None:
        await self._tombstone(user_id, {f"x:{session_id}": str(int(time.time() * 1000))})

    async def device_closed(self, user_id: uuid.UUID, device_id: uuid.UUID) -> None:
        await self._tombstone(user_id, {f"d:{device_id}": str(int(time.time() * 1000))})

    async def user_closed(self, user_id: uuid.UUID, at: datetime) -> None:
        await self._tombstone(user_id, {"u": str(_ms(at))})

    async def active(self, user_id: uuid.UUID) -> list[ActiveSession]:
        """The user's active sessions, oldest first (from PostgreSQL while Valkey is away)."""
        try:
            return await self._active(user_id)
        except (RedisConnectionError, RedisTimeoutError):
            sessions = await self._rebuild(user_id)
            return sorted(sessions, key=lambda s: s.started_at)

    async def _active(self, user_id: uuid.UUID) -> list[ActiveSession]:
        fields = cast(dict[bytes, bytes], await self._redis.hgetall(_key(user_id)))
        if b"built" not in fields:
            await self._build(user_id)
            fields = cast(dict[bytes, bytes], await self._redis.hgetall(_key(user_id)))
        return _live(user_id, fields, int(time.time() * 1000))

    async def count(self, user_id: uuid.UUID) -> int:
        return len(await self.active(user_id))

    async def _tombstone(self, user_id: uuid.UUID, marks: dict[str, str]) -> None:
        # After the sign-out committed (and its revocation marker is written): a Valkey outage
        # here leaves the index to be rebuilt from PostgreSQL, it does not fail the sign-out.
        key = _key(user_id)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, mapping=marks)  # type: ignore[arg-type]
                pipe.expire(key, KEEP_SECONDS)
                await pipe.execute()
        except RedisError:
            log.warning("session index tombstone failed; rebuilt at next read", exc_info=True)
            with contextlib.suppress(RedisError):
                await self._redis.delete(key)

    async def _build(self, user_id: uuid.UUID) -> None:
        sessions = await self._rebuild(user_id)
        key = _key(user_id)
        mapping: dict[str, bytes] = {f"s:{s.id}": _entry(s) for s in sessions}
        mapping["built"] = b"1"
        async with self._redis.pipeline(transaction=True) as pipe:
            # HSETNX-like merge: entries written by logins meanwhile are newer than ours.
            for name, value in mapping.items():
                pipe.hsetnx(key, name, value)
            pipe.expire(key, KEEP_SECONDS)
            await pipe.execute()

    async def _prune(self, user_id: uuid.UUID) -> None:
        key = _key(user_id)
        fields = cast(dict[bytes, bytes], await self._redis.hgetall(key))
        now = int(time.time() * 1000)
        keep_ms = KEEP_SECONDS * 1000
        stale: list[bytes] = []
        live = {f"s:{s.id}".encode() for s in _live(user_id, fields, now)}
        for name, value in fields.items():
            expired_entry = name.startswith(b"s:") and name not in live
            old_tombstone = name[:2] in (b"x:", b"d:") and now - int(value) > keep_ms
            if expired_entry or old_tombstone:
                stale.append(name)
        if stale:
            await self._redis.hdel(key, *[n.decode() for n in stale])


def _live(user_id: uuid.UUID, fields: dict[bytes, bytes], now_ms: int) -> list[ActiveSession]:
    signed_out_before = int(fields.get(b"u", b"0"))
    sessions: list[ActiveSession] = []
    for name, value in fields.items():
        if not name.startswith(b"s:"):
            continue
        session_id = name[2:].decode()
        entry = orjson.loads(value)
        if (
            entry["e"] <= now_ms
            or f"x:{session_id}".encode() in fields
            or f"d:{entry['d']}".encode() in fields
            or entry["r"] <= signed_out_before
        ):
            continue
        sessions.append(
            ActiveSession(
                id=uuid.UUID(session_id),
                user_id=user_id,
                device_id=uuid.UUID(entry["d"]),
                ip=entry["ip"],
                started_at=_at(entry["s"]),
                last_refreshed_at=_at(entry["r"]),
                expires_at=_at(entry["e"]),
            )
        )
    sessions.sort(key=lambda s: s.id)
    return sessions
