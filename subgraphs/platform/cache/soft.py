"""A cache that is down is a cache miss: reads go to PostgreSQL, writes to the cache are skipped.

Only for what is *only* a cache. Whatever Redis guards for safety (revocation markers, throttles,
the cart's pre-commit cache drop) must fail loudly instead: see `subgraphs.platform.faults`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from typing import TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

T = TypeVar("T")
logger = logging.getLogger("cache")
_REPORT_EVERY_S = 10.0
_last_report = 0.0


async def soft(operation: Awaitable[T], default: T) -> T:
    """`operation`'s result, or `default` when Redis cannot be reached (logged now and then)."""
    global _last_report
    try:
        return await operation
    except (RedisConnectionError, RedisTimeoutError) as exc:
        now = time.monotonic()
        if now - _last_report > _REPORT_EVERY_S:
            _last_report = now
            logger.warning("cache unavailable, answering without it: %s", type(exc).__name__)
        return default
