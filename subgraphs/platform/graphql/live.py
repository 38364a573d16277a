"""Subscriptions that hold only while the caller's token does.

A token is checked when the subscription starts (like any operation), and again before each
event and every `recheck_seconds` while the stream is quiet: once it has expired or been
revoked (logout, a removed role, a password reset), the stream ends with UNAUTHENTICATED.
While the revocation store is unreachable the check fails closed (SERVICE_UNAVAILABLE).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from subgraphs.platform.graphql.context import Context
from subgraphs.platform.kernel.errors import Unauthenticated

T = TypeVar("T")
RECHECK_SECONDS = 5.0


async def while_signed_in(
    ctx: Context[Any], stream: AsyncIterator[T], recheck_seconds: float = RECHECK_SECONDS
) -> AsyncIterator[T]:
    if ctx.reverify is None:
        raise Unauthenticated("Sign in to subscribe.")
    upcoming: asyncio.Future[T] = asyncio.ensure_future(anext(stream))
    try:
        while True:
            done, _ = await asyncio.wait({upcoming}, timeout=recheck_seconds)
            await ctx.reverify()  # raises once the token is no longer good
            if not done:
                continue
            try:
                item = upcoming.result()
            except StopAsyncIteration:
                return
            yield item
            upcoming = asyncio.ensure_future(anext(stream))
    finally:
        upcoming.cancel()
        with contextlib.suppress(BaseException):
            await upcoming
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(Exception):
                await aclose()
