"""What a use case answered, in the terms tests assert on."""

from __future__ import annotations

from collections.abc import Awaitable

from subgraphs.platform.kernel.results import InputErrors


async def codes_of(call: Awaitable[object]) -> list[str]:
    """The codes a use case refused the call with ([] when it was accepted)."""
    try:
        await call
    except InputErrors as exc:
        return [e.code for e in exc.errors]
    return []
