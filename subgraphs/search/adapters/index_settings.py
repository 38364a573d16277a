"""The products index: its analysis chain, its mapping, and how a document becomes JSON.

Two views of every text field: the main one is English (possessives, ASCII folding, stemming;
shopper synonyms added when a query is read), `.plain` keeps words as written, for typo
tolerance: a fuzzy match against stems would miss ("runnig" is three edits from "run").
"""

from __future__ import annotations

from typing import Any

from subgraphs.search.domain.documents import SearchDocument
from subgraphs.search.domain.synonyms import SYNONYMS

_BASE_FILTERS = ["english_possessive", "lowercase", "asciifolding", "english_stemmer"]

ANALYSIS: dict[str, Any] = {
    "filter": {
        "english_possessive": {"type": "stemmer", "language": "possessive_english"},
        "english_stemmer": {"type": "stemmer", "language": "english"},
        # After the stemmer, so "couches" reaches "couch" before its synonyms are looked up.
        "shopper_synonyms": {"type": "synonym_graph", "synonyms": list(SYNONYMS), "lenient": True},
    },
    "analyzer": {
        "english_text": {"type": "custom", "tokenizer": "standard", "filter": _BASE_FILTERS},
        "english_search": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [*_BASE_FILTERS, "shopper_synonyms"],
        },
        "plain_text": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
    },
    "normalizer": {"folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
}


def _text(boost_plain: bool = True) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        "type": "text",
        "analyzer": "english_text",
        "search_analyzer": "english_search",
    }
    if boost_plain:
        mapping["fields"] = {"plain": {"type": "text", "analyzer": "plain_text"}}
    return mapping


MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "product_id": {"type": "keyword"},
        "seller_id": {"type": "keyword"},
        "title": _text(),
        "description": _text(),
        "brand_id": {"type": "keyword"},
        "brand_name": _text(),
        "category_id": {"type": "keyword"},
        "category_ids": {"type": "keyword"},
        "category_names": _text(),
        "attributes": {
            "type": "nested",
            "properties": {"name": {"type": "keyword"}, "value": {"type": "keyword"}},
        },
        "attribute_text": _text(),
        "skus": {"type": "keyword", "normalizer": "folded"},
        "currency": {"type": "keyword"},
        "price_min": {"type": "long"},
        "price_max": {"type": "long"},
        "in_stock": {"type": "boolean"},
        "popularity": {"type": "long"},
        "product_version": {"type": "long"},
        "created_at": {"type": "date"},
        "suggest": {"type": "completion", "analyzer": "plain_text", "max_input_length": 100},
    },
}


def index_body(shards: int = 1) -> dict[str, Any]:
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                # One node: a replica could never be placed (and would turn the cluster yellow).
                "number_of_replicas": 0,
                "refresh_interval": "1s",
                "analysis": ANALYSIS,
            }
        },
        "mappings": MAPPINGS,
    }


def to_source(doc: SearchDocument) -> dict[str, Any]:
    suggest = [doc.title] + ([doc.brand_name] if doc.brand_name else [])
    return {
        "product_id": str(doc.product_id),
        "seller_id": str(doc.seller_id),
        "title": doc.title,
        "description": doc.description,
        "brand_id": str(doc.brand_id) if doc.brand_id else None,
        "brand_name": doc.brand_name,
        "category_id": str(doc.category_id),
        "category_ids": [str(c) for c in doc.category_ids],
        "category_names": list(doc.category_names),
        "attributes": [{"name": a.name, "value": a.value} for a in doc.attributes],
        "attribute_text": [a.value for a in doc.attributes],
        "skus": list(doc.skus),
        "currency": doc.currency,
        "price_min": doc.price_min,
        "price_max": doc.price_max,
        "in_stock": doc.in_stock,
        "popularity": doc.popularity,
        "product_version": doc.product_version,
        "created_at": doc.created_at.isoformat(),
        "suggest": [s[:100] for s in suggest],
    }
