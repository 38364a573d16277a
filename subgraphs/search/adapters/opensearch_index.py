"""The products index on OpenSearch: aliases, versioned bulk writes, searches and suggestions.

Readers use the alias `<name>`; a rebuild adds `<name>-building` to its new index, and every
write goes to every index either alias names, resolved right before the write. The engine's
external versioning (`external_gte`) keeps an older revision from replacing a newer one.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import (
    ConnectionError as OpenSearchConnectionError,
)
from opensearchpy.exceptions import (
    NotFoundError,
    RequestError,
    TransportError,
)

from subgraphs.platform.kernel.errors import InvalidCursor
from subgraphs.search.adapters import search_queries as dsl
from subgraphs.search.adapters.index_settings import index_body, to_source
from subgraphs.search.domain.errors import CursorExpired, SearchUnavailable
from subgraphs.search.domain.query import SearchRequest
from subgraphs.search.domain.results import SearchCursor, SearchPage, Suggestion
from subgraphs.search.domain.rules import Shaping
from subgraphs.search.service_layer.ports import Versioned

log = logging.getLogger(__name__)
PIT_KEEP_ALIVE = "5m"


def _unavailable(exc: Exception) -> bool:
    if isinstance(exc, OpenSearchConnectionError | asyncio.TimeoutError | OSError):
        return True
    status = getattr(exc, "status_code", None)
    return isinstance(exc, TransportError) and isinstance(status, int) and (status >= 500 or status == 429)


def _error_type(exc: TransportError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        return str(causes[0].get("type", "")) if isinstance(causes[0], dict) else ""
    return str(exc.error or "")


class OpenSearchIndex:
    def __init__(self, client: AsyncOpenSearch, alias: str = "products") -> None:
        self._client = client
        self.alias = alias
        self.building_alias = f"{alias}-building"
        self._ready = False

    # ---- the index's life --------------------------------------------------------------

    async def ensure(self) -> None:
        """The first index and its alias, unless they exist (safe to race: the name is fixed)."""
        if self._ready:
            return
        try:
            if not await self._client.indices.exists_alias(name=self.alias):
                body = index_body() | {"aliases": {self.alias: {}}}
                try:
                    await self._client.indices.create(index=f"{self.alias}-initial", body=body)
                except RequestError as exc:
                    if _error_type(exc) != "resource_already_exists_exception":
                        raise
            # Whoever lost the race to create it (or found its alias) waits as well: until its
            # primary shard has started, a search there is a 503.
            await self._client.cluster.health(index=self.alias, wait_for_status="yellow")
        except Exception as exc:
            raise self._translate(exc) from exc
        self._ready = True

    async def _targets(self) -> list[str]:
        # Every index of ours is named `<alias>-…`: a wildcard lookup answers 200 even when no
        # rebuild is running (asking for a missing alias by name is a 404).
        found = await self._client.indices.get_alias(index=f"{self.alias}-*")
        wanted = {self.alias, self.building_alias}
        return sorted(name for name, body in found.items() if wanted & set(body.get("aliases", {})))

    async def begin_rebuild(self) -> str:
        await self.ensure()
        name = f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        try:
            body = index_body() | {"aliases": {self.building_alias: {}}}
            # While it fills, nobody reads it: refresh rarely.
            body["settings"]["index"]["refresh_interval"] = "30s"
            await self._client.indices.create(index=name, body=body)
        except Exception as exc:
            raise self._translate(exc) from exc
        return name

    async def finish_rebuild(self, index: str) -> None:
        try:
            await self._client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
            await self._client.indices.refresh(index=index)
            current = await self._client.indices.get_alias(name=self.alias)
            actions: list[dict[str, Any]] = [
                {"remove": {"index": old, "alias": self.alias}} for old in current
            ]
            actions += [
                {"add": {"index": index, "alias": self.alias}},
                {"remove": {"index": index, "alias": self.building_alias}},
            ]
            await self._client.indices.update_aliases(body={"actions": actions})  # one atomic step
            for old in current:
                if old != index:
                    await self._client.indices.delete(index=old)
        except Exception as exc:
            raise self._translate(exc) from exc

    async def abandon_rebuild(self, index: str) -> None:
        try:
            await self._client.indices.delete(index=index, params={"ignore_unavailable": "true"})
        except Exception:
            log.exception("could not drop the abandoned index %s", index)

    # ---- writes -----------------------------------------------------------------------

    async def write(self, changes: Sequence[Versioned], *, only_index: str | None = None) -> None:
        if not changes:
            return
        try:
            await self.ensure()
            targets = [only_index] if only_index else await self._targets()
            lines: list[dict[str, Any]] = []
            for index in targets:
                for change in changes:
                    meta = {
                        "_index": index,
                        "_id": str(change.product_id),
                        "version": change.version,
                        "version_type": "external_gte",
                    }
                    if change.document is None:
                        lines.append({"delete": meta})
                    else:
                        lines += [{"index": meta}, to_source(change.document)]
            response = await self._client.bulk(body=lines)
        except Exception as exc:
            raise self._translate(exc) from exc
        if response.get("errors"):
            for item in response["items"]:
                ((action, result),) = item.items()
                status = int(result.get("status", 200))
                # 409: a newer revision is there already; 404: deleting what is not there.
                if status >= 300 and status not in (404, 409):
                    if status >= 500 or status == 429:
                        raise SearchUnavailable("The search index refused writes; they will be retried.")
                    raise RuntimeError(f"the search index refused a {action}: {result.get('error')}")

    # ---- reads ------------------------------------------------------------------------

    async def search(
        self, request: SearchRequest, cursor: SearchCursor | None, shape: Shaping | None = None
    ) -> SearchPage:
        await self.ensure()
        pit_id = cursor.pit_id if cursor else None
        try:
            if cursor is not None and pit_id is None:
                # The first page answered from the live index (and may be cached); later pages
                # read one snapshot, opened when the second page is asked for.
                opened = await self._client.create_pit(
                    index=self.alias, params={"keep_alive": PIT_KEEP_ALIVE}
                )
                pit_id = str(opened["pit_id"])
            body = dsl.search_body(request, cursor, pit_id, shape)
            if pit_id is None:
                response = await self._client.search(index=self.alias, body=body)
            else:
                response = await self._client.search(body=body)
            hits, more = dsl.read_hits(response, request.first)
            total = response["hits"]["total"]
            facets = dsl.read_facets(response, request)
            suggestion = None
            if total["value"] == 0 and request.text and cursor is None:
                suggestion = await self._did_you_mean(request)
        except Exception as exc:
            raise self._translate(exc, cursor=cursor) from exc
        return SearchPage(
            hits=tuple(hits),
            total=int(total["value"]),
            total_is_exact=total.get("relation") == "eq",
            has_next_page=more,
            position=cursor.position if cursor else 0,
            pit_id=str(response.get("pit_id") or pit_id) if pit_id else None,
            facets=facets,
            did_you_mean=suggestion,
        )

    async def _did_you_mean(self, request: SearchRequest) -> str | None:
        assert request.text is not None
        response = await self._client.search(index=self.alias, body=dsl.did_you_mean_body(request.text))
        options = response.get("suggest", {}).get("dym", [{}])[0].get("options", [])
        if not options:
            return None
        text = str(options[0]["text"])
        if text.casefold() == request.text.casefold():
            return None
        # Offer it only if it finds something under the same filters.
        probe = dsl.search_body(
            SearchRequest(text=text, filter=request.filter, first=1), cursor=None, pit_id=None
        ) | {"size": 0, "track_total_hits": 1}
        found = await self._client.search(index=self.alias, body=probe)
        return text if found["hits"]["total"]["value"] > 0 else None

    async def suggest(self, prefix: str, size: int) -> list[Suggestion]:
        await self.ensure()
        try:
            response = await self._client.search(index=self.alias, body=dsl.suggest_body(prefix, size))
        except Exception as exc:
            raise self._translate(exc) from exc
        options = response.get("suggest", {}).get("s", [{}])[0].get("options", [])
        return [Suggestion(text=str(o["text"]), product_id=uuid.UUID(o["_id"])) for o in options]

    async def count(self) -> int | None:
        try:
            if not await self._client.indices.exists_alias(name=self.alias):
                return None
            return int((await self._client.count(index=self.alias))["count"])
        except Exception as exc:
            raise self._translate(exc) from exc

    async def similar(self, like: Sequence[uuid.UUID], size: int) -> list[tuple[uuid.UUID, float]]:
        if not like:
            return []
        await self.ensure()
        body = {
            "size": size,
            "_source": False,
            "query": {
                "more_like_this": {
                    "fields": ["title", "category_names", "brand_name", "attribute_text"],
                    "like": [{"_index": self.alias, "_id": str(i)} for i in like],
                    "min_term_freq": 1,
                    "min_doc_freq": 1,
                    "max_query_terms": 25,
                    "minimum_should_match": "20%",
                }
            },
        }
        try:
            response = await self._client.search(index=self.alias, body=body)
        except Exception as exc:
            raise self._translate(exc) from exc
        return [(uuid.UUID(h["_id"]), float(h["_score"])) for h in response["hits"]["hits"]]

    async def visible(self, product_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not product_ids:
            return set()
        await self.ensure()
        ids = sorted({str(i) for i in product_ids})
        body = {"size": len(ids), "_source": False, "query": {"ids": {"values": ids}}}
        try:
            response = await self._client.search(index=self.alias, body=body)
        except Exception as exc:
            raise self._translate(exc) from exc
        return {uuid.UUID(h["_id"]) for h in response["hits"]["hits"]}

    async def refresh(self) -> None:
        """Make every write so far searchable (tests and the bench; the engine does it each second)."""
        await self._client.indices.refresh(
            index=f"{self.alias},{self.building_alias}", params={"ignore_unavailable": "true"}
        )

    def _translate(self, exc: Exception, *, cursor: SearchCursor | None = None) -> Exception:
        if isinstance(exc, SearchUnavailable | InvalidCursor):
            return exc
        if _unavailable(exc):
            self._ready = False
            return SearchUnavailable()
        if isinstance(exc, TransportError) and cursor is not None:
            kind = _error_type(exc)
            if isinstance(exc, NotFoundError) or "search_context_missing" in kind:
                return CursorExpired(
                    "This page's snapshot has expired; start the search again.", field="after"
                )
            if isinstance(exc, RequestError):
                return InvalidCursor("This cursor is not one this search gave out.", field="after")
        if isinstance(exc, NotFoundError):
            self._ready = False  # the alias was dropped under us: recreate it on the next call
        return exc
