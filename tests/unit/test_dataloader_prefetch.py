"""A prefetched key is answered at once (no coroutine for graphql-core to await); any other key
still goes through one batch; a failed batch reaches each field that asks, as without prefetch."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from subgraphs.platform.graphql.dataloaders import ContextLoader


class Squares(ContextLoader[Any, int, int]):
    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.batches: list[list[int]] = []
        self.fail = False

    async def fetch_many(self, keys: list[int]) -> list[int]:
        self.batches.append(keys)
        if self.fail:
            raise RuntimeError("database away")
        return [k * k for k in keys]


async def test_prefetched_keys_are_answered_at_once_in_one_batch() -> None:
    loader = Squares(ctx=None)
    await loader.prefetch([1, 2, 3])
    assert loader.batches == [[1, 2, 3]]
    assert loader.now_or_later(2, str) == "4"  # a value, not an awaitable
    later = loader.now_or_later(5, str)
    assert inspect.isawaitable(later)
    assert await later == "25"
    assert loader.batches == [[1, 2, 3], [5]]


async def test_a_failed_prefetch_fails_each_field_that_asks() -> None:
    loader = Squares(ctx=None)
    loader.fail = True
    await loader.prefetch([7])  # does not raise: the failure stays with the key
    later = loader.now_or_later(7, str)
    assert inspect.isawaitable(later)
    with pytest.raises(RuntimeError, match="database away"):
        await later
