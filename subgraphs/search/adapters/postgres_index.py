"""The products index on PostgreSQL full-text search: where OpenSearch cannot run, the same port.

It keeps the contract the OpenSearch adapter keeps: versioned writes (a document or a
tombstone is replaced only by an equal or newer revision), aliases with a rebuild that swaps
in one step, disjunctive facets, typo tolerance, synonyms, highlights, suggestions. What it
cannot give is a point in time: later pages follow the sort order from the last hit (keyset),
so a page reads the index as it is when asked.
"""

from __future__ import annotations

import html
import json
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.platform.faults import unavailable_dependency
from subgraphs.platform.kernel.errors import InvalidCursor
from subgraphs.search.adapters import postgres_queries as sql
from subgraphs.search.adapters import tables as t
from subgraphs.search.adapters.postgres_writes import WRITE, document_rows
from subgraphs.search.domain.errors import SearchUnavailable
from subgraphs.search.domain.query import PRICE_BUCKETS, SearchRequest
from subgraphs.search.domain.results import (
    AttributeFacet,
    Bucket,
    Facets,
    Highlight,
    PriceBucket,
    SearchCursor,
    SearchHit,
    SearchPage,
    Suggestion,
    price_bucket_selected,
    ranked_buckets,
)
from subgraphs.search.domain.rules import Shaping
from subgraphs.search.domain.synonyms import synonyms_of
from subgraphs.search.domain.words import MAX_QUERY_WORDS, edit_budget, words_of
from subgraphs.search.service_layer.ports import Versioned

log = logging.getLogger(__name__)
TOTAL_HITS_UP_TO = 10_000
TERMS_SIZE, ATTRIBUTE_NAMES, ATTRIBUTE_VALUES = 30, 10, 20
MAX_CORRECTIONS = 5

# Per typed word: the known words within its edit budget, nearest first (0: known as typed).
# Only words sharing the first letter are compared, which keeps it one index range per word.
_CORRECTIONS = text(
    """
    SELECT q.word AS typed, w.word AS known,
           search.levenshtein_less_equal(q.word, w.word, q.budget) AS distance
    FROM unnest(CAST(:typed AS text[]), CAST(:budgets AS int[])) AS q(word, budget)
    JOIN search.document_words w
      ON w.alias = :alias AND left(w.word, 1) = left(q.word, 1)
     AND length(w.word) BETWEEN length(q.word) - q.budget AND length(q.word) + q.budget
    WHERE search.levenshtein_less_equal(q.word, w.word, q.budget) <= q.budget
    ORDER BY q.word, distance, w.word
    """
)


def _plain(value: uuid.UUID) -> uuid.UUID:
    """asyncpg's own UUID subclass as the standard one (orjson, in the query cache, takes only that)."""
    return value if type(value) is uuid.UUID else uuid.UUID(bytes=value.bytes)


def _marked(raw: str) -> tuple[str, bool]:
    """PostgreSQL's marked text, HTML-escaped, with <mark> tags; and whether anything matched."""
    escaped = html.escape(raw, quote=False)
    return escaped.replace("\ue000", "<mark>").replace("\ue001", "</mark>"), "\ue000" in raw


class PostgresIndex:
    def __init__(self, engine: AsyncEngine, alias: str = "products") -> None:
        self._engine = engine
        self.alias = alias
        self._ready = False

    # ---- the index's life --------------------------------------------------------------

    async def ensure(self) -> None:
        if self._ready:
            return
        async with self._connection(begin=True) as conn:
            await conn.execute(
                insert(t.document_indexes)
                .values(alias=self.alias, name=f"{self.alias}-initial", role="reading")
                .on_conflict_do_nothing()
            )
        self._ready = True

    async def begin_rebuild(self) -> str:
        await self.ensure()
        name = f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        async with self._connection(begin=True) as conn:
            await conn.execute(
                insert(t.document_indexes).values(alias=self.alias, name=name, role="building")
            )
        return name

    async def finish_rebuild(self, index: str) -> None:
        di = t.document_indexes
        async with self._connection(begin=True) as conn:
            # Waits for writes in flight (they hold these rows FOR SHARE), so none lands in the
            # index being dropped after it is gone.
            rows = await conn.execute(select(di.c.name).where(di.c.alias == self.alias).with_for_update())
            old = [r.name for r in rows if r.name != index]
            await conn.execute(delete(di).where(di.c.alias == self.alias, di.c.name.in_(old)))
            await conn.execute(
                update(di).where(di.c.alias == self.alias, di.c.name == index).values(role="reading")
            )
            await conn.execute(delete(t.documents).where(t.documents.c.index_name.in_(old)))

    async def abandon_rebuild(self, index: str) -> None:
        try:
            async with self._connection(begin=True) as conn:
                di = t.document_indexes
                await conn.execute(delete(di).where(di.c.alias == self.alias, di.c.name == index))
                await conn.execute(delete(t.documents).where(t.documents.c.index_name == index))
        except Exception:
            log.exception("could not drop the abandoned index %s", index)

    # ---- writes -----------------------------------------------------------------------

    async def write(self, changes: Sequence[Versioned], *, only_index: str | None = None) -> None:
        if not changes:
            return
        await self.ensure()
        rows, words = document_rows(changes)
        async with self._connection(begin=True) as conn:
            await conn.execute(
                WRITE,
                {"alias": self.alias, "only": only_index, "docs": json.dumps(rows)},
            )
            if words:
                await conn.execute(
                    text(
                        "INSERT INTO search.document_words (alias, word) "
                        "SELECT :alias, w FROM unnest(CAST(:words AS text[])) AS w ON CONFLICT DO NOTHING"
                    ),
                    {"alias": self.alias, "words": sorted(words)},
                )

    # ---- reads ------------------------------------------------------------------------

    async def search(
        self, request: SearchRequest, cursor: SearchCursor | None, shape: Shaping | None = None
    ) -> SearchPage:
        await self.ensure()
        after = None
        if cursor is not None:
            after = sql.parse_after(request.sort, cursor.after)
            if after is None:
                raise InvalidCursor("This cursor is not one this search gave out.", field="after")
        async with self._connection() as conn:
            alternatives = await self._alternatives(conn, request.text)
            p = sql.plan(self.alias, request, alternatives, shape)
            rows = (await conn.execute(sql.page_statement(p, request.first + 1, after))).all()
            total = int((await conn.execute(sql.count_statement(p, TOTAL_HITS_UP_TO))).scalar_one())
            page_rows = rows[: request.first]
            highlights: dict[uuid.UUID, tuple[Highlight, ...]] = {}
            if request.highlight and p.words is not None and page_rows:
                highlights = await self._highlights(conn, p, [r.product_id for r in page_rows])
            facets = await self._facets(conn, p, request) if request.facets.any else Facets()
            suggestion = None
            if total == 0 and request.text and cursor is None:
                suggestion = await self._did_you_mean(conn, request)
        hits = tuple(
            SearchHit(
                product_id=_plain(r.product_id),
                score=None,
                sort_values=tuple(str(v) if isinstance(v, uuid.UUID) else v for v in r[1:]),
                highlights=highlights.get(r.product_id, ()),
            )
            for r in page_rows
        )
        return SearchPage(
            hits=hits,
            total=min(total, TOTAL_HITS_UP_TO),
            total_is_exact=total <= TOTAL_HITS_UP_TO,
            has_next_page=len(rows) > request.first,
            position=cursor.position if cursor else 0,
            pit_id=None,
            facets=facets,
            did_you_mean=suggestion,
        )

    async def _alternatives(self, conn: AsyncConnection, text_: str | None) -> list[list[str]]:
        """Per word: itself, its synonyms and, when no document has it, its nearest known words."""
        if text_ is None:
            return []
        words = list(dict.fromkeys(words_of(text_)))[:MAX_QUERY_WORDS]
        near = await self._near(conn, words)
        alternatives = []
        for word in words:
            options = [word, *synonyms_of(word)]
            found = near.get(word, [])
            if not (found and found[0][1] == 0):  # unknown as typed: a typo, perhaps
                options += [known for known, _ in found[:MAX_CORRECTIONS]]
            alternatives.append(list(dict.fromkeys(options)))
        return alternatives

    async def _near(
        self, conn: AsyncConnection, words: Sequence[str], *, generous: bool = False
    ) -> dict[str, list[tuple[str, int]]]:
        """Known words near each typed one: within its typo budget, or (`generous`: to suggest a
        correction, as OpenSearch's phrase suggester does) two edits for any word of 3+ letters."""
        budgets = [(w, 2 if generous and edit_budget(w) else edit_budget(w)) for w in words]
        budgets = [(w, b) for w, b in budgets if b > 0]
        if not budgets:
            return {}
        rows = await conn.execute(
            _CORRECTIONS,
            {"alias": self.alias, "typed": [w for w, _ in budgets], "budgets": [b for _, b in budgets]},
        )
        near: dict[str, list[tuple[str, int]]] = {}
        for row in rows:
            near.setdefault(row.typed, []).append((row.known, int(row.distance)))
        return near

    async def _highlights(
        self, conn: AsyncConnection, p: sql.Plan, ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[Highlight, ...]]:
        assert p.words is not None
        found: dict[uuid.UUID, tuple[Highlight, ...]] = {}
        for row in await conn.execute(sql.headline_statement(self.alias, p.words, ids)):
            parts = []
            title, matched = _marked(row.title)
            if matched:
                parts.append(Highlight("title", (title,)))
            fragments = [_marked(f) for f in row.description.split("\ue002")]
            if any(m for _, m in fragments):
                parts.append(Highlight("description", tuple(f for f, m in fragments if m)))
            found[row.product_id] = tuple(parts)
        return found

    async def _facets(self, conn: AsyncConnection, p: sql.Plan, request: SearchRequest) -> Facets:
        wanted, f = request.facets, request.filter
        categories: tuple[Bucket, ...] = ()
        brands: tuple[Bucket, ...] = ()
        if wanted.categories:
            counted = await conn.execute(sql.grouped_statement(p, t.documents.c.category_id, "category"))
            found = {str(key): int(n) for key, n in counted}
            categories = ranked_buckets(_top(found, TERMS_SIZE), {str(c) for c in f.category_ids})
        if wanted.brands:
            counted = await conn.execute(sql.grouped_statement(p, t.documents.c.brand_id, "brand"))
            found = {str(key): int(n) for key, n in counted}
            brands = ranked_buckets(_top(found, TERMS_SIZE), {str(b) for b in f.brand_ids})
        prices: tuple[PriceBucket, ...] = ()
        if wanted.price_ranges:
            counts = (await conn.execute(sql.price_statement(p, PRICE_BUCKETS))).one()
            prices = tuple(
                PriceBucket(min=lo, max=hi, count=int(n), selected=price_bucket_selected(lo, hi, f))
                for (lo, hi), n in zip(PRICE_BUCKETS, counts, strict=True)
            )
        attributes: tuple[AttributeFacet, ...] = ()
        if wanted.attributes:
            attributes = await self._attribute_facets(conn, p, request)
        return Facets(categories=categories, brands=brands, price_ranges=prices, attributes=attributes)

    async def _attribute_facets(
        self, conn: AsyncConnection, p: sql.Plan, request: SearchRequest
    ) -> tuple[AttributeFacet, ...]:
        by_name = _by_name(await conn.execute(sql.attribute_statement(p, None)))
        names = sorted(by_name, key=lambda n: (-sum(by_name[n].values()), n))[:ATTRIBUTE_NAMES]
        counted = {name: _top(by_name[name], ATTRIBUTE_VALUES) for name in names}
        for attribute in request.filter.attributes:
            own = _by_name(await conn.execute(sql.attribute_statement(p, f"attr:{attribute.name}")))
            counted[attribute.name] = _top(own.get(attribute.name, {}), ATTRIBUTE_VALUES)
        chosen = {a.name: set(a.values) for a in request.filter.attributes}
        return tuple(
            AttributeFacet(name=name, values=ranked_buckets(counted[name], chosen.get(name, set())))
            for name in sorted(counted)
        )

    async def _did_you_mean(self, conn: AsyncConnection, request: SearchRequest) -> str | None:
        assert request.text is not None
        words = words_of(request.text)[:MAX_QUERY_WORDS]
        near = await self._near(conn, words, generous=True)
        corrected = [near[w][0][0] if near.get(w) else w for w in words]
        text_ = " ".join(corrected)
        if corrected == words:
            return None
        probe = SearchRequest(text=text_, filter=request.filter, first=1)
        alternatives = [[w, *synonyms_of(w)] for w in corrected]
        found = await conn.execute(sql.count_statement(sql.plan(self.alias, probe, alternatives, None), 0))
        return text_ if found.scalar_one() > 0 else None

    async def suggest(self, prefix: str, size: int) -> list[Suggestion]:
        await self.ensure()
        folded = prefix.lower()
        d = t.documents
        live = [d.c.index_name == sql.reading_index(self.alias), d.c.deleted.is_(False)]
        async with self._connection() as conn:
            rows = await conn.execute(
                select(d.c.title, d.c.product_id)
                .where(*live, d.c.suggest_key.startswith(folded, autoescape=True))
                .order_by(d.c.popularity.desc(), d.c.product_id)
                .limit(size * 3)
            )
            found = list(rows)
            if len(found) < size and len(folded) >= 4:  # then one typo in the prefix
                head = func.left(d.c.suggest_key, len(folded))
                rows = await conn.execute(
                    select(d.c.title, d.c.product_id)
                    .where(
                        *live,
                        func.left(d.c.suggest_key, 1) == folded[:1],
                        func.search.levenshtein_less_equal(head, folded, 1) <= 1,
                    )
                    .order_by(d.c.popularity.desc(), d.c.product_id)
                    .limit(size * 3)
                )
                found += list(rows)
        suggestions: dict[str, Suggestion] = {}
        for row in found:
            suggestions.setdefault(row.title, Suggestion(text=row.title, product_id=_plain(row.product_id)))
        return list(suggestions.values())[:size]

    async def count(self) -> int | None:
        d, di = t.documents, t.document_indexes
        async with self._connection() as conn:
            reading = await conn.execute(
                select(di.c.name).where(di.c.alias == self.alias, di.c.role == "reading")
            )
            name = reading.scalar_one_or_none()
            if name is None:
                return None
            held = await conn.execute(
                select(func.count()).select_from(d).where(d.c.index_name == name, d.c.deleted.is_(False))
            )
            return int(held.scalar_one())

    async def similar(self, like: Sequence[uuid.UUID], size: int) -> list[tuple[uuid.UUID, float]]:
        if not like:
            return []
        await self.ensure()
        d = t.documents
        live = [d.c.index_name == sql.reading_index(self.alias), d.c.deleted.is_(False)]
        async with self._connection() as conn:
            # The lexemes of what names the products (title, brand, categories, attribute values:
            # weights A-C), the most shared first, as OpenSearch's more_like_this picks terms.
            named = func.tsvector_to_array(func.ts_filter(d.c.tsv, literal_column("'{a,b,c}'::char[]")))
            liked = await conn.execute(select(named).where(*live, d.c.product_id.in_(list(like))))
            counts: dict[str, int] = {}
            for (lexemes,) in liked:
                for lexeme in lexemes:
                    if len(lexeme) >= 3 and not lexeme.isdigit():
                        counts[lexeme] = counts.get(lexeme, 0) + 1
            terms = sorted(counts, key=lambda w: (-counts[w], w))[:25]
            if not terms:
                return []
            query = sql.words_query([terms], sql.SIMPLE)
            assert query is not None
            score = func.ts_rank(d.c.tsv, query)
            rows = await conn.execute(
                select(d.c.product_id, score.label("score"))
                .where(*live, d.c.tsv.bool_op("@@")(query), d.c.product_id.not_in(list(like)))
                .order_by(score.desc(), d.c.product_id)
                .limit(size)
            )
            return [(_plain(r.product_id), float(r.score)) for r in rows]

    async def visible(self, product_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not product_ids:
            return set()
        await self.ensure()
        d = t.documents
        async with self._connection() as conn:
            rows = await conn.execute(
                select(d.c.product_id).where(
                    d.c.index_name == sql.reading_index(self.alias),
                    d.c.deleted.is_(False),
                    d.c.product_id.in_(sorted(set(product_ids))),
                )
            )
            return {_plain(r.product_id) for r in rows}

    async def refresh(self) -> None:
        """Nothing to do: a committed write is searchable at once."""

    def _connection(self, *, begin: bool = False) -> _Guarded:
        return _Guarded(self, begin)


class _Guarded:
    """A connection whose outage errors become SEARCH_UNAVAILABLE (and the index is re-checked)."""

    def __init__(self, index: PostgresIndex, begin: bool) -> None:
        self._index, self._begin = index, begin
        self._context: Any = None

    async def __aenter__(self) -> AsyncConnection:
        engine = self._index._engine
        self._context = engine.begin() if self._begin else engine.connect()
        try:
            conn: AsyncConnection = await self._context.__aenter__()
        except Exception as exc:
            raise self._translate(exc) from exc
        return conn

    async def __aexit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        try:
            await self._context.__aexit__(kind, exc, tb)
        except Exception as closing:
            raise self._translate(closing) from closing
        if exc is not None and not isinstance(exc, SearchUnavailable | InvalidCursor):
            translated = self._translate(exc)
            if translated is not exc:
                raise translated from exc

    def _translate(self, exc: BaseException) -> BaseException:
        if unavailable_dependency(exc) is not None:
            self._index._ready = False
            return SearchUnavailable(dependency="postgres")
        return exc


def _top(found: dict[str, int], size: int) -> dict[str, int]:
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:size])


def _by_name(rows: Any) -> dict[str, dict[str, int]]:
    by_name: dict[str, dict[str, int]] = {}
    for packed, n in rows:
        name, _, value = str(packed).partition(sql.PAIR)
        by_name.setdefault(name, {})[value] = int(n)
    return by_name
