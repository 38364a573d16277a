"""A validated search as SQL over `search.documents`: the fallback engine's query builder.

Every user value is a bound parameter (SQLAlchemy Core builds the statement; a word reaches
PostgreSQL only as an argument of `plainto_tsquery`, never as tsquery or SQL syntax). The
statement's shape depends only on how many words, filters and rules there are.

The words: each is matched as written, through its synonyms and, when the catalogue does not
know it, through the known words within its edit budget (a typo); every word must match
somewhere (title, brand, categories, attribute values, description), stemmed by the English
configuration. Facets are disjunctive, as on OpenSearch: each counts under every filter but
its own.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Double,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.sql.elements import ColumnElement

from subgraphs.search.adapters import tables as t
from subgraphs.search.adapters.search_queries import PIN_BOOST
from subgraphs.search.domain.query import SearchFilter, SearchRequest, SortOrder
from subgraphs.search.domain.rules import Shaping

d = t.documents
ENGLISH: ColumnElement[Any] = literal_column("'english'::regconfig")
# For words that are lexemes already (read back from a document's vector): no second stemming.
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
PAIR = "\x1f"  # between an attribute's name and value in `documents.attributes`
# Boost weights (1-100) in units of a strong text match (ts_rank is at most about 1).
BOOST_SCALE = 0.1


def pair(name: str, value: str) -> str:
    return f"{name}{PAIR}{value}"


def reading_index(alias: str) -> ColumnElement[Any]:
    di = t.document_indexes
    return select(di.c.name).where(di.c.alias == alias, di.c.role == "reading").scalar_subquery()


def words_query(
    alternatives: Sequence[Sequence[str]], config: ColumnElement[Any] = ENGLISH
) -> ColumnElement[Any] | None:
    """Every word (any of its alternatives) somewhere in the document, stemmed."""
    per_word: list[ColumnElement[Any]] = []
    for options in alternatives:
        queries = [func.plainto_tsquery(config, option, type_=TSQUERY) for option in options]
        per_word.append(functools.reduce(lambda a, b: a.op("||", return_type=TSQUERY)(b), queries))
    if not per_word:
        return None
    return functools.reduce(lambda a, b: a.op("&&", return_type=TSQUERY)(b), per_word)


def facet_conditions(f: SearchFilter) -> dict[str, ColumnElement[bool]]:
    """The filters a facet controls, by facet (an attribute is `attr:<name>`)."""
    found: dict[str, ColumnElement[bool]] = {}
    if f.category_ids:
        found["category"] = d.c.category_ids.overlap(list(f.category_ids))
    if f.brand_ids:
        found["brand"] = d.c.brand_id.in_(list(f.brand_ids))
    if f.price_min is not None or f.price_max is not None:
        bounds = []
        if f.price_min is not None:
            bounds.append(d.c.price_min >= f.price_min)
        if f.price_max is not None:
            bounds.append(d.c.price_min <= f.price_max)
        found["price"] = and_(*bounds)
    for attribute in f.attributes:
        found[f"attr:{attribute.name}"] = d.c.attributes.overlap(
            [pair(attribute.name, v) for v in attribute.values]
        )
    return found


def all_but(conditions: dict[str, ColumnElement[bool]], left_out: str | None) -> list[ColumnElement[bool]]:
    return [c for name, c in conditions.items() if name != left_out]


@dataclass(frozen=True)
class Plan:
    """One search, as the conditions and expressions its statements share."""

    base: list[ColumnElement[bool]]  # the index, live documents, the words, unfaceted filters
    facetted: dict[str, ColumnElement[bool]]
    score: ColumnElement[Any]
    words: ColumnElement[Any] | None
    sort_keys: list[tuple[ColumnElement[Any], bool]]  # (expression, descending)

    @property
    def every_filter(self) -> list[ColumnElement[bool]]:
        return self.base + list(self.facetted.values())


def _score(words: ColumnElement[Any] | None, sku: str | None, shape: Shaping | None, order: SortOrder) -> Any:
    score: Any = cast(func.ts_rank(d.c.tsv, words), Double) if words is not None else literal(0.0, Double)
    if sku is not None:
        score = score + case((d.c.skus.contains([sku]), 10.0), else_=0.0)
    if shape is None or shape.empty:
        return score
    lifts = []
    if order is SortOrder.RELEVANCE:
        lifts += [(d.c.product_id == p, PIN_BOOST - rank) for rank, (p, _) in enumerate(shape.pinned)]
    lifts += [(d.c.product_id == p, w * BOOST_SCALE) for p, (w, _) in shape.boosted.items()]
    if lifts:
        score = score + case(*lifts, else_=0.0)
    if shape.buried:
        score = score * case(
            *[(d.c.product_id == p, 1.0 / (1 + w)) for p, (w, _) in shape.buried.items()], else_=1.0
        )
    return cast(score, Double)


def _sort_keys(order: SortOrder, score: ColumnElement[Any]) -> list[tuple[ColumnElement[Any], bool]]:
    newest = cast(func.extract("epoch", d.c.created_at) * 1_000_000, Double)
    tiebreak: tuple[ColumnElement[Any], bool] = (d.c.product_id, False)
    keys: dict[SortOrder, list[tuple[ColumnElement[Any], bool]]] = {
        SortOrder.RELEVANCE: [(score, True), tiebreak],
        SortOrder.PRICE_ASC: [(d.c.price_min, False), tiebreak],
        SortOrder.PRICE_DESC: [(d.c.price_min, True), tiebreak],
        SortOrder.NEWEST: [(newest, True), tiebreak],
        SortOrder.POPULARITY: [(d.c.popularity, True), (score, True), tiebreak],
    }
    return keys[order]


def plan(
    alias: str, request: SearchRequest, alternatives: Sequence[Sequence[str]], shape: Shaping | None
) -> Plan:
    f = request.filter
    words = words_query(alternatives)
    sku = request.text.casefold() if request.text else None
    base: list[ColumnElement[bool]] = [d.c.index_name == reading_index(alias), d.c.deleted.is_(False)]
    if request.text is not None:
        text_match = d.c.tsv.bool_op("@@")(words) if words is not None else false()
        base.append(or_(text_match, d.c.skus.contains([sku])))
    if f.seller_ids:
        base.append(d.c.seller_id.in_(list(f.seller_ids)))
    if f.in_stock is not None:
        base.append(d.c.in_stock.is_(f.in_stock))
    if shape is not None and shape.excluded:
        base.append(d.c.product_id.not_in(list(shape.excluded)))
    score = _score(words, sku, shape, request.sort)
    return Plan(base, facet_conditions(f), score, words, _sort_keys(request.sort, score))


def after_condition(
    keys: Sequence[ColumnElement[Any]], descending: Sequence[bool], after: Sequence[Any]
) -> Any:
    """Rows strictly after `after` in the sort order: (k0 beyond v0) or (k0 = v0 and k1 beyond v1)…"""
    alternatives = []
    for i, (key, desc, value) in enumerate(zip(keys, descending, after, strict=True)):
        equal_before = [k == v for k, v in zip(keys[:i], after[:i], strict=True)]
        beyond = key < value if desc else key > value
        alternatives.append(and_(*equal_before, beyond))
    return or_(*alternatives)


def parse_after(order: SortOrder, after: Sequence[Any]) -> list[Any] | None:
    """A cursor's sort values in this order's types, or None when they cannot be ours."""
    kinds = {
        SortOrder.RELEVANCE: (float, uuid.UUID),
        SortOrder.PRICE_ASC: (int, uuid.UUID),
        SortOrder.PRICE_DESC: (int, uuid.UUID),
        SortOrder.NEWEST: (float, uuid.UUID),
        SortOrder.POPULARITY: (int, float, uuid.UUID),
    }[order]
    if len(after) != len(kinds):
        return None
    parsed: list[Any] = []
    for kind, value in zip(kinds, after, strict=True):
        if kind is uuid.UUID:
            if not isinstance(value, str):
                return None
            try:
                parsed.append(uuid.UUID(value))
            except ValueError:
                return None
        elif kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                return None
            parsed.append(value)
        else:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            parsed.append(float(value))
    return parsed


def page_statement(p: Plan, size: int, after: Sequence[Any] | None) -> Any:
    columns = [expr.label(f"s{i}") for i, (expr, _) in enumerate(p.sort_keys)]
    inner = select(d.c.product_id, *columns).where(*p.every_filter).subquery("matched")
    keys = [inner.c[f"s{i}"] for i in range(len(columns))]
    descending = [desc for _, desc in p.sort_keys]
    statement = select(inner.c.product_id, *keys)
    if after is not None:
        statement = statement.where(after_condition(keys, descending, after))
    order = [k.desc() if desc else k.asc() for k, desc in zip(keys, descending, strict=True)]
    return statement.order_by(*order).limit(size)


def count_statement(p: Plan, up_to: int) -> Any:
    capped = select(literal(1)).select_from(d).where(*p.every_filter).limit(up_to + 1).subquery()
    return select(func.count()).select_from(capped)


def grouped_statement(p: Plan, column: ColumnElement[Any], left_out: str) -> Any:
    return (
        select(column, func.count())
        .where(*p.base, *all_but(p.facetted, left_out), column.is_not(None))
        .group_by(column)
    )


def price_statement(p: Plan, buckets: Sequence[tuple[int | None, int | None]]) -> Any:
    counts = []
    for low, high in buckets:
        bounds = [d.c.price_min >= low] if low is not None else []
        bounds += [d.c.price_min < high] if high is not None else []
        counts.append(func.count().filter(and_(*bounds) if bounds else literal(True)))
    return select(*counts).where(*p.base, *all_but(p.facetted, "price"))


def attribute_statement(p: Plan, left_out: str | None) -> Any:
    pairs = (
        select(func.unnest(d.c.attributes).label("pair"))
        .where(*p.base, *all_but(p.facetted, left_out))
        .subquery("pairs")
    )
    return select(pairs.c.pair, func.count()).group_by(pairs.c.pair)


def headline_statement(alias: str, words: ColumnElement[Any], ids: Sequence[uuid.UUID]) -> Any:
    # Markers from Unicode's private use area: the text is HTML-escaped after PostgreSQL
    # marks it, then the markers become <mark> tags.
    title_options = "HighlightAll=true, StartSel=\ue000, StopSel=\ue001"
    description_options = (
        "MaxFragments=2, MinWords=8, MaxWords=20, StartSel=\ue000, StopSel=\ue001, FragmentDelimiter=\ue002"
    )
    return select(
        d.c.product_id,
        func.ts_headline(ENGLISH, d.c.title, words, title_options).label("title"),
        func.ts_headline(ENGLISH, d.c.description, words, description_options).label("description"),
    ).where(d.c.index_name == reading_index(alias), d.c.product_id.in_(list(ids)))
