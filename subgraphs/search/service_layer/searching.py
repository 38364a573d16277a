"""Answering searches: first pages from the query cache when the index has not moved since,
everything else from the engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from subgraphs.search.domain.query import MAX_PREFIX_CHARS, SearchRequest, normalise_text
from subgraphs.search.domain.results import SearchCursor, SearchPage, Suggestion
from subgraphs.search.domain.rules import Slot, Surface, shaping
from subgraphs.search.service_layer.discovery_ports import RuleBook
from subgraphs.search.service_layer.ports import ProductIndex, QueryCache

MAX_SUGGESTIONS = 10


@dataclass(frozen=True)
class Searches:
    index: ProductIndex
    cache: QueryCache
    rules: RuleBook
    clock: Callable[[], datetime]

    async def search(self, request: SearchRequest, after: str | None = None) -> SearchPage:
        slot = Slot(Surface.SEARCH, category_ids=request.filter.category_ids, query=request.text)
        shape = shaping(await self.rules.current(), slot, self.clock())
        if after is not None:
            # Later pages read one snapshot through their cursor: never cached.
            return await self.index.search(request, SearchCursor.decode(after, request), shape)
        version = await self.cache.version()
        key = f"{request.cache_key()}:{shape.fingerprint()}"
        if version is not None:
            cached = await self.cache.get(version, key)
            if cached is not None:
                return cached
        page = await self.index.search(request, None, shape)
        if version is not None:
            await self.cache.put(version, key, page)
        return page

    async def suggest(self, prefix: str, first: int) -> list[Suggestion]:
        text = normalise_text(prefix, limit=MAX_PREFIX_CHARS, field_name="prefix")
        if not text:
            return []
        return await self.index.suggest(text, min(max(first, 1), MAX_SUGGESTIONS))
