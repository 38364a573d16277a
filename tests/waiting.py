"""Waiting for something the system does on its own (a consumer, a relay, a restart), bounded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T | None]], *, within: float, every: float = 0.1) -> T:
    """The first truthy result of `check` within `within` seconds (fails with the last one)."""
    deadline = time.monotonic() + within
    last: T | None = None
    while True:
        last = await check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s; last: {last!r}")
        await asyncio.sleep(every)
