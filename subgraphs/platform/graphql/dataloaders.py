"""Per-request DataLoaders, memoised on the context (one instance per loader class).

    ProductByIdLoader.of(info.context).load(product_id)

Each batch function receives every key requested in one tick of the event loop and must
return results aligned with the keys (None or [] for missing ones). A subgraph's loaders
call its read models (`ctx.services`); they never hold SQL themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, Self, TypeVar, cast

from strawberry.dataloader import DataLoader

from subgraphs.platform.graphql.context import Context
from subgraphs.platform.kernel.ids import parse_id

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
R = TypeVar("R")
CtxT = TypeVar("CtxT", bound=Context[Any])


class ContextLoader(DataLoader[K, V], ABC, Generic[CtxT, K, V]):
    max_batch = 1000

    def __init__(self, ctx: CtxT) -> None:
        super().__init__(load_fn=self._load, max_batch_size=self.max_batch)
        self.ctx = ctx

    @classmethod
    def of(cls, ctx: CtxT) -> Self:
        loader: Any = ctx.loaders.get(cls)
        if loader is None:
            loader = cls(ctx)
            ctx.loaders[cls] = loader
        return loader  # type: ignore[no-any-return]

    async def fresh(self, key: K) -> V:
        """Load bypassing this request's memo (after a write in the same request)."""
        with contextlib.suppress(KeyError):
            self.clear(key)
        return await self.load(key)

    def now_or_later(self, key: K, convert: Callable[[V], R]) -> R:
        """`convert(value)` at once when this request loaded `key` already (a prefetch, or an
        earlier field), else an awaitable of it. A resolver that returns this is a plain
        function: graphql-core completes a ready value without a coroutine, a task or a gather,
        and awaits the other kind as it would an async resolver's."""
        future = self.cache_map.get(key)
        if future is not None and future.done() and not future.cancelled() and future.exception() is None:
            return convert(future.result())

        async def later() -> R:
            return convert(await self.load(key))

        return cast(R, later())

    async def prefetch(self, keys: Iterable[K]) -> None:
        """Loads `keys` in one batch now, so the fields that ask later find them ready. A
        failure stays on the keys' futures: each field that asks gets it, as without this."""
        await asyncio.gather(*map(self.load, keys), return_exceptions=True)

    async def _load(self, keys: list[K]) -> list[V]:
        return await self.fetch_many(keys)

    @abstractmethod
    async def fetch_many(self, keys: list[K]) -> list[V]:
        """Load every key in one round trip; results aligned with `keys`."""


class IdLoader(ContextLoader[CtxT, uuid.UUID, V], Generic[CtxT, V]):
    """A loader keyed by ids that also takes a client-supplied id (malformed: not found)."""

    async def load_id(self, raw: str) -> V | None:
        key = parse_id(raw)
        return await self.load(key) if key is not None else None
