"""The per-IP login throttle on real Redis: fair to shared addresses, hard on credential stuffing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from subgraphs.accounts.adapters.throttle import LoginThrottle
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.settings import Settings


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[Redis]:
    client = Redis.from_url(settings.redis_url)
    yield client
    await client.aclose()


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def an_ip() -> str:
    return f"203.0.113.{new_id().int % 250 + 1}-{new_id().hex[-6:]}"


def an_email() -> str:
    return f"u-{new_id().hex[-10:]}@example.com"


async def test_one_account_failing_many_times_counts_once_for_the_address(redis: Redis) -> None:
    throttle = LoginThrottle(redis, ip_distinct_accounts=3, now=Clock())
    ip, fumbler = an_ip(), an_email()
    for _ in range(40):
        await throttle.record_failure(fumbler, ip)
    assert await throttle.retry_after(fumbler, ip) > 0  # that account is locked …
    assert await throttle.retry_after(an_email(), ip) == 0  # … its neighbours are not


async def test_many_accounts_failing_from_one_address_lock_it_until_they_age_out(redis: Redis) -> None:
    clock = Clock()
    throttle = LoginThrottle(redis, ip_window_seconds=600, ip_distinct_accounts=3, now=clock)
    ip = an_ip()
    for _ in range(3):
        await throttle.record_failure(an_email(), ip)
        clock.now += 60
    # The first failure was 180 s ago: the address waits until it is 600 s old.
    assert await throttle.retry_after(an_email(), ip) == 420
    assert await throttle.retry_after(an_email(), an_ip()) == 0
    clock.now += 421
    assert await throttle.retry_after(an_email(), ip) == 0
