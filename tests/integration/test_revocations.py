"""The revocation list on real Redis: immediate in the revoking process, within a second elsewhere."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from subgraphs.contracts.access import Principal, Revocation
from subgraphs.platform.auth.revocations import CLEAN_ANSWER_SECONDS, EPOCH_KEY, RedisRevocations
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.settings import Settings


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[Redis]:
    client = Redis.from_url(settings.redis_url)
    yield client
    await client.aclose()


def principal(issued_at: int) -> Principal:
    return Principal(new_id(), device_id=str(new_id()), token_id=new_id().hex, issued_at=issued_at)


async def test_the_revoking_process_sees_it_at_once(redis: Redis) -> None:
    revocations = RedisRevocations(redis)
    caller = principal(int(utcnow().timestamp()))
    assert await revocations.is_revoked(caller) is False
    assert caller.device_id is not None
    await revocations.write(Revocation.of_device(uuid.UUID(caller.device_id), utcnow()))
    assert await revocations.is_revoked(caller) is True


async def test_another_process_sees_it_within_a_second(redis: Redis) -> None:
    here, elsewhere = RedisRevocations(redis), RedisRevocations(redis)
    caller = principal(int(utcnow().timestamp()))
    assert await here.is_revoked(caller) is False
    await elsewhere.write(Revocation.of_user(caller.user_id, utcnow()))
    await asyncio.sleep(CLEAN_ANSWER_SECONDS + 0.1)
    assert await here.is_revoked(caller) is True


async def test_tokens_issued_after_a_revocation_are_not_affected(redis: Redis) -> None:
    revocations = RedisRevocations(redis)
    old = principal(int(utcnow().timestamp()) - 10)
    await revocations.write(Revocation.of_user(old.user_id, utcnow()))
    newer = Principal(
        old.user_id, device_id=old.device_id, token_id=new_id().hex, issued_at=int(utcnow().timestamp()) + 5
    )
    assert await revocations.is_revoked(old) is True
    assert await revocations.is_revoked(newer) is False


async def test_a_single_token_can_be_revoked(redis: Redis) -> None:
    revocations = RedisRevocations(redis)
    caller = principal(int(utcnow().timestamp()))
    assert caller.token_id is not None
    await revocations.write(Revocation.of_token(caller.token_id, utcnow()))
    assert await revocations.is_revoked(caller) is True


async def test_without_a_current_epoch_no_token_is_trusted_until_the_markers_are_rebuilt(
    settings: Settings,
) -> None:
    # A database of its own: the suite's shared epoch must stay.
    client = Redis.from_url(settings.redis_url.rsplit("/", 1)[0] + "/9")
    try:
        await client.flushdb()
        revocations = RedisRevocations(client)
        now = int(utcnow().timestamp())
        caller = principal(now - 5)
        with pytest.raises(ServiceUnavailable):  # restarted empty: fail closed
            await revocations.is_revoked(caller)
        await revocations.restore([Revocation("user", str(caller.user_id), now, now + 600)])
        assert await revocations.has_epoch() is True
        assert await revocations.is_revoked(caller) is True
        # A snapshot restored at a restart carries the epoch of an earlier server life.
        await client.set(EPOCH_KEY, b"run-id-of-an-earlier-life")
        assert await revocations.has_epoch() is False
        assert await client.get(EPOCH_KEY) is None
        await asyncio.sleep(CLEAN_ANSWER_SECONDS + 0.1)
        with pytest.raises(ServiceUnavailable):
            await revocations.is_revoked(principal(now))
    finally:
        await client.flushdb()
        await client.aclose()
