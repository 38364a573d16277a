"""A validated search as OpenSearch query DSL, and the engine's answer read back.

Every user value travels as a value inside the JSON body (a `match` query's text, a `terms`
list): nothing is ever parsed as query-string syntax, so no input can change the query's shape.

Facets are disjunctive: the filters a facet controls go into `post_filter` (they narrow the
hits), and each facet counts under every filter but its own, so choosing one brand still shows
how many products the other brands have.
"""

from __future__ import annotations

import uuid
from typing import Any

from subgraphs.search.domain.query import PRICE_BUCKETS, SearchFilter, SearchRequest, SortOrder
from subgraphs.search.domain.results import (
    AttributeFacet,
    Bucket,
    Facets,
    Highlight,
    PriceBucket,
    SearchCursor,
    SearchHit,
    price_bucket_selected,
    ranked_buckets,
)
from subgraphs.search.domain.rules import Shaping

TERMS_SIZE = 30
ATTRIBUTE_NAMES = 10
ATTRIBUTE_VALUES = 20
TOTAL_HITS_UP_TO = 10_000
_MAIN_FIELDS = ["title^4", "brand_name^2", "category_names^1.5", "attribute_text^1.5", "description^0.5"]
# Typos are forgiven in what names a product, not in its description (long, and the fuzzy
# expansions over it cost the most while matching the least).
_PLAIN_FIELDS = [f.replace("^", ".plain^", 1) for f in _MAIN_FIELDS if not f.startswith("description")]


def text_query(text: str | None) -> dict[str, Any]:
    if text is None:
        return {"match_all": {}}
    return {
        "bool": {
            "should": [
                # Every word somewhere (title, brand, category, attribute values), stemmed,
                # with synonyms: the precise match.
                {
                    "multi_match": {
                        "query": text,
                        "fields": _MAIN_FIELDS,
                        "type": "cross_fields",
                        "operator": "and",
                        "boost": 2.0,
                    }
                },
                # The same words as typed, each allowed a typo or two (AUTO: 1 edit from 3
                # letters, 2 from 6), the first letter included (measured: fixing it saved
                # little, and a swapped first pair of letters is a common typo).
                {
                    "multi_match": {
                        "query": text,
                        "fields": _PLAIN_FIELDS,
                        "type": "best_fields",
                        "operator": "and",
                        "fuzziness": "AUTO",
                        "max_expansions": 50,
                    }
                },
                {"match_phrase": {"title": {"query": text, "boost": 3.0}}},
                {"term": {"skus": {"value": text, "boost": 10.0}}},
            ],
            "minimum_should_match": 1,
        }
    }


def _ids(values: tuple[uuid.UUID, ...]) -> list[str]:
    return [str(v) for v in values]


def facet_clauses(f: SearchFilter) -> dict[str, dict[str, Any]]:
    """The filters a facet controls, by facet (an attribute is `attr:<name>`)."""
    clauses: dict[str, dict[str, Any]] = {}
    if f.category_ids:
        clauses["category"] = {"terms": {"category_ids": _ids(f.category_ids)}}
    if f.brand_ids:
        clauses["brand"] = {"terms": {"brand_id": _ids(f.brand_ids)}}
    if f.price_min is not None or f.price_max is not None:
        bounds = {k: v for k, v in (("gte", f.price_min), ("lte", f.price_max)) if v is not None}
        clauses["price"] = {"range": {"price_min": bounds}}
    for attribute in f.attributes:
        clauses[f"attr:{attribute.name}"] = {
            "nested": {
                "path": "attributes",
                "query": {
                    "bool": {
                        "filter": [
                            {"term": {"attributes.name": attribute.name}},
                            {"terms": {"attributes.value": list(attribute.values)}},
                        ]
                    }
                },
            }
        }
    return clauses


def plain_clauses(f: SearchFilter) -> list[dict[str, Any]]:
    """Filters no facet counts by: they narrow the query itself."""
    clauses: list[dict[str, Any]] = []
    if f.seller_ids:
        clauses.append({"terms": {"seller_id": _ids(f.seller_ids)}})
    if f.in_stock is not None:
        clauses.append({"term": {"in_stock": f.in_stock}})
    return clauses


def _all_but(clauses: dict[str, dict[str, Any]], left_out: str | None) -> dict[str, Any]:
    return {"bool": {"filter": [c for name, c in clauses.items() if name != left_out]}}


def _terms(field: str, size: int, include: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"field": field, "size": size}
    if include is not None:
        body["include"] = include
    return {"terms": body}


def facet_aggregations(request: SearchRequest) -> dict[str, Any]:
    wanted, f = request.facets, request.filter
    clauses = facet_clauses(f)
    aggs: dict[str, Any] = {}
    if wanted.categories:
        aggs["categories"] = {
            "filter": _all_but(clauses, "category"),
            "aggs": {"k": _terms("category_id", TERMS_SIZE)},
        }
        if f.category_ids:  # a chosen category outside the top ones still shows its count
            aggs["categories_chosen"] = {
                "filter": _all_but(clauses, "category"),
                "aggs": {"k": _terms("category_id", len(f.category_ids), _ids(f.category_ids))},
            }
    if wanted.brands:
        aggs["brands"] = {"filter": _all_but(clauses, "brand"), "aggs": {"k": _terms("brand_id", TERMS_SIZE)}}
        if f.brand_ids:
            aggs["brands_chosen"] = {
                "filter": _all_but(clauses, "brand"),
                "aggs": {"k": _terms("brand_id", len(f.brand_ids), _ids(f.brand_ids))},
            }
    if wanted.price_ranges:
        ranges = [{k: v for k, v in (("from", lo), ("to", hi)) if v is not None} for lo, hi in PRICE_BUCKETS]
        aggs["prices"] = {
            "filter": _all_but(clauses, "price"),
            "aggs": {"k": {"range": {"field": "price_min", "ranges": ranges}}},
        }
    if wanted.attributes:
        aggs["attributes"] = {
            "filter": _all_but(clauses, None),
            "aggs": {
                "n": {
                    "nested": {"path": "attributes"},
                    "aggs": {
                        "names": {
                            **_terms("attributes.name", ATTRIBUTE_NAMES),
                            "aggs": {"values": _terms("attributes.value", ATTRIBUTE_VALUES)},
                        }
                    },
                }
            },
        }
        for i, attribute in enumerate(f.attributes):
            aggs[f"attribute_{i}"] = {
                "filter": _all_but(clauses, f"attr:{attribute.name}"),
                "aggs": {
                    "n": {
                        "nested": {"path": "attributes"},
                        "aggs": {
                            "only": {
                                "filter": {"term": {"attributes.name": attribute.name}},
                                "aggs": {"values": _terms("attributes.value", ATTRIBUTE_VALUES)},
                            }
                        },
                    }
                },
            }
    return aggs


def sort_clause(order: SortOrder) -> list[dict[str, Any]]:
    tiebreak = {"product_id": "asc"}
    return {
        SortOrder.RELEVANCE: [{"_score": "desc"}, tiebreak],
        SortOrder.PRICE_ASC: [{"price_min": "asc"}, tiebreak],
        SortOrder.PRICE_DESC: [{"price_min": "desc"}, tiebreak],
        SortOrder.NEWEST: [{"created_at": "desc"}, tiebreak],
        SortOrder.POPULARITY: [{"popularity": "desc"}, {"_score": "desc"}, tiebreak],
    }[order]


HIGHLIGHT: dict[str, Any] = {
    # Escaped text with <mark> around the matches: safe to render as HTML.
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "require_field_match": False,
    # The `.plain` views carry the typo-tolerant matches; they are read back as their field.
    "fields": {
        "title": {"number_of_fragments": 0},
        "title.plain": {"number_of_fragments": 0},
        "description": {"fragment_size": 150, "number_of_fragments": 2},
        "description.plain": {"fragment_size": 150, "number_of_fragments": 2},
    },
}


def _highlights(raw: dict[str, list[str]] | None) -> tuple[Highlight, ...]:
    merged: dict[str, list[str]] = {}
    for name in sorted(raw or {}):  # "title" before "title.plain": the stemmed view wins
        merged.setdefault(name.removesuffix(".plain"), list((raw or {})[name]))
    return tuple(Highlight(field=name, fragments=tuple(f)) for name, f in sorted(merged.items()))


PIN_BOOST = 1_000_000.0


def shaped_query(text: dict[str, Any], shape: Shaping | None, order: SortOrder) -> dict[str, Any]:
    """The merchandising rules on the query: excluded never match; pinned (relevance order
    only: a sort by price is the shopper's choice), boosted and buried move in the ranking."""
    if shape is None or shape.empty:
        return {"bool": {"must": [text]}}
    query: dict[str, Any] = {"bool": {"must": [text]}}
    should: list[dict[str, Any]] = []
    if shape.excluded:
        query["bool"]["must_not"] = [{"ids": {"values": sorted(map(str, shape.excluded))}}]
    if order is SortOrder.RELEVANCE:
        for rank, (product, _) in enumerate(shape.pinned):
            should.append(
                {"constant_score": {"filter": {"ids": {"values": [str(product)]}}, "boost": PIN_BOOST - rank}}
            )
    for product, (weight, _) in shape.boosted.items():
        should.append(
            {"constant_score": {"filter": {"ids": {"values": [str(product)]}}, "boost": float(weight)}}
        )
    if should:
        query["bool"]["should"] = should
    if shape.buried:
        weights = [w for w, _ in shape.buried.values()]
        return {
            "boosting": {
                "positive": query,
                "negative": {"ids": {"values": sorted(map(str, shape.buried))}},
                "negative_boost": 1 / (1 + max(weights)),
            }
        }
    return query


def search_body(
    request: SearchRequest, cursor: SearchCursor | None, pit_id: str | None, shape: Shaping | None = None
) -> dict[str, Any]:
    f = request.filter
    facetted = facet_clauses(f)
    query: dict[str, Any] = {
        "bool": {
            "must": [shaped_query(text_query(request.text), shape, request.sort)],
            "filter": plain_clauses(f),
        }
    }
    body: dict[str, Any] = {
        "size": request.first + 1,  # one more than asked: is there a next page
        "sort": sort_clause(request.sort),
        "_source": False,
        "track_total_hits": TOTAL_HITS_UP_TO,
    }
    if request.facets.any:
        body["query"] = query
        if facetted:
            body["post_filter"] = _all_but(facetted, None)
        body["aggs"] = facet_aggregations(request)
    else:  # nothing to count: every filter narrows the query, which is cheaper
        query["bool"]["filter"] = [*query["bool"]["filter"], *facetted.values()]
        body["query"] = query
    if request.highlight and request.text:
        body["highlight"] = HIGHLIGHT
    if cursor is not None:
        body["search_after"] = list(cursor.after)
    if pit_id is not None:
        body["pit"] = {"id": pit_id, "keep_alive": "5m"}
    return body


def read_hits(response: dict[str, Any], size: int) -> tuple[list[SearchHit], bool]:
    raw = response["hits"]["hits"]
    hits = [
        SearchHit(
            product_id=uuid.UUID(h["_id"]),
            score=h.get("_score"),
            sort_values=tuple(h.get("sort", ())),
            highlights=_highlights(h.get("highlight")),
        )
        for h in raw[:size]
    ]
    return hits, len(raw) > size


def _buckets(
    agg: dict[str, Any] | None, chosen: set[str], extra: dict[str, Any] | None = None
) -> tuple[Bucket, ...]:
    if agg is None:
        return ()
    found = {str(b["key"]): int(b["doc_count"]) for b in agg["k"]["buckets"]}
    if extra is not None:
        for b in extra["k"]["buckets"]:
            found.setdefault(str(b["key"]), int(b["doc_count"]))
    return ranked_buckets(found, chosen)


def read_facets(response: dict[str, Any], request: SearchRequest) -> Facets:
    aggs: dict[str, Any] = response.get("aggregations") or {}
    f = request.filter
    prices: tuple[PriceBucket, ...] = ()
    if "prices" in aggs:
        prices = tuple(
            PriceBucket(min=lo, max=hi, count=int(b["doc_count"]), selected=price_bucket_selected(lo, hi, f))
            for (lo, hi), b in zip(PRICE_BUCKETS, aggs["prices"]["k"]["buckets"], strict=True)
        )
    attributes: list[AttributeFacet] = []
    if "attributes" in aggs:
        chosen = {a.name: set(a.values) for a in f.attributes}
        by_name: dict[str, dict[str, int]] = {
            b["key"]: {v["key"]: int(v["doc_count"]) for v in b["values"]["buckets"]}
            for b in aggs["attributes"]["n"]["names"]["buckets"]
        }
        for i, attribute in enumerate(f.attributes):
            own = aggs[f"attribute_{i}"]["n"]["only"]["values"]["buckets"]
            by_name[attribute.name] = {v["key"]: int(v["doc_count"]) for v in own}
        for name in sorted(by_name):
            attributes.append(
                AttributeFacet(name=name, values=ranked_buckets(by_name[name], chosen.get(name, set())))
            )
    return Facets(
        categories=_buckets(aggs.get("categories"), set(_ids(f.category_ids)), aggs.get("categories_chosen")),
        brands=_buckets(aggs.get("brands"), set(_ids(f.brand_ids)), aggs.get("brands_chosen")),
        price_ranges=prices,
        attributes=tuple(attributes),
    )


def suggest_body(prefix: str, size: int) -> dict[str, Any]:
    completion: dict[str, Any] = {"field": "suggest", "size": size, "skip_duplicates": True}
    if len(prefix) >= 4:
        completion["fuzzy"] = {"fuzziness": 1}
    return {"_source": False, "suggest": {"s": {"prefix": prefix, "completion": completion}}}


def did_you_mean_body(text: str) -> dict[str, Any]:
    return {
        "size": 0,
        "suggest": {
            "text": text,
            "dym": {
                "phrase": {
                    "field": "title.plain",
                    "size": 1,
                    "gram_size": 1,
                    "max_errors": 2,
                    # Any letter may be wrong here, the first too: this runs only when a
                    # search found nothing (searches themselves keep the first letter fixed).
                    "direct_generator": [
                        {
                            "field": "title.plain",
                            "suggest_mode": "always",
                            "min_word_length": 3,
                            "prefix_length": 0,
                        }
                    ],
                }
            },
        },
    }
