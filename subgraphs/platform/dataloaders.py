"""Per-request DataLoaders, memoised on the context (one instance per loader class).

    ProductByIdLoader.of(info.context).load(product_id)

Each batch function receives every key requested in one tick of the event loop and must
return results aligned with the keys (None or [] for missing ones).
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Hashable
from typing import Any, Generic, Self, TypeVar

from strawberry.dataloader import DataLoader

from subgraphs.platform.context import Context

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ContextLoader(DataLoader[K, V], ABC, Generic[K, V]):
    max_batch = 1000

    def __init__(self, ctx: Context) -> None:
        super().__init__(load_fn=self._load, max_batch_size=self.max_batch)
        self.ctx = ctx

    @classmethod
    def of(cls, ctx: Context) -> Self:
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

    async def _load(self, keys: list[K]) -> list[V]:
        return await self.fetch_many(keys)

    @abstractmethod
    async def fetch_many(self, keys: list[K]) -> list[V]:
        """Load every key in one round trip; results aligned with `keys`."""
