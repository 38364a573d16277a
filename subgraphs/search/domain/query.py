"""A shopper's search, validated: the words, the filters, the order and the page.

Text is normalised once here (Unicode NFKC, whitespace collapsed, a length cap) so the cache
key, the cursor's fingerprint and the query sent to the engine all agree. Nothing here builds
engine syntax: the words are only ever sent as a value to be analysed, never parsed as a query
language, so `title:x OR *` is just four words.
"""

from __future__ import annotations

import enum
import hashlib
import json
import unicodedata
import uuid
from dataclasses import dataclass, field

from subgraphs.platform.kernel.errors import PageSizeExceeded
from subgraphs.search.domain.errors import InvalidFilter, QueryEmpty, QueryTooLong

MAX_QUERY_CHARS = 200
MAX_PREFIX_CHARS = 50
MAX_PAGE_SIZE = 50
# How deep cursors may go (the engine pages by search_after, but nobody reads past this).
MAX_RESULT_WINDOW = 10_000
MAX_IDS_PER_FILTER = 50
MAX_ATTRIBUTE_FILTERS = 10
MAX_VALUES_PER_ATTRIBUTE = 20
MAX_FACET_ATTRIBUTES = 10
MAX_PRICE = 10**12


class SortOrder(enum.Enum):
    RELEVANCE = "RELEVANCE"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NEWEST = "NEWEST"
    POPULARITY = "POPULARITY"


# Price facet buckets, in minor units: [from, to) with None for open ends.
PRICE_BUCKETS: tuple[tuple[int | None, int | None], ...] = (
    (None, 1_000),
    (1_000, 2_500),
    (2_500, 5_000),
    (5_000, 10_000),
    (10_000, 25_000),
    (25_000, 50_000),
    (50_000, None),
)


def normalise_text(raw: str, *, limit: int, field_name: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    if len(text) > limit:
        raise QueryTooLong(f"At most {limit} characters, after spaces are collapsed.", field=field_name)
    return text


@dataclass(frozen=True)
class AttributeFilter:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class SearchFilter:
    category_ids: tuple[uuid.UUID, ...] = ()
    brand_ids: tuple[uuid.UUID, ...] = ()
    seller_ids: tuple[uuid.UUID, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    attributes: tuple[AttributeFilter, ...] = ()
    in_stock: bool | None = None

    def __post_init__(self) -> None:
        for name in ("category_ids", "brand_ids", "seller_ids"):
            if len(getattr(self, name)) > MAX_IDS_PER_FILTER:
                raise InvalidFilter(f"At most {MAX_IDS_PER_FILTER} ids.", field=f"filter.{name}")
        for name in ("price_min", "price_max"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= MAX_PRICE:
                raise InvalidFilter("A price is between 0 and 10^12 minor units.", field=f"filter.{name}")
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            raise InvalidFilter("priceMin is above priceMax.", field="filter.priceMin")
        if len(self.attributes) > MAX_ATTRIBUTE_FILTERS:
            raise InvalidFilter(f"At most {MAX_ATTRIBUTE_FILTERS} attributes.", field="filter.attributes")
        names = [a.name for a in self.attributes]
        if len(set(names)) != len(names):
            raise InvalidFilter("Each attribute once (list its values together).", field="filter.attributes")
        for i, attribute in enumerate(self.attributes):
            if not attribute.name or not attribute.values:
                raise InvalidFilter(
                    "An attribute filter needs a name and values.", field=f"filter.attributes.{i}"
                )
            if len(attribute.values) > MAX_VALUES_PER_ATTRIBUTE:
                raise InvalidFilter(
                    f"At most {MAX_VALUES_PER_ATTRIBUTE} values.", field=f"filter.attributes.{i}.values"
                )
            for text in (attribute.name, *attribute.values):
                if len(text) > 100:
                    raise InvalidFilter("At most 100 characters.", field=f"filter.attributes.{i}")

    def attribute_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.attributes)


@dataclass(frozen=True)
class FacetRequest:
    """Which facets to count (only those a client selected cost anything)."""

    categories: bool = False
    brands: bool = False
    price_ranges: bool = False
    attributes: bool = False

    @property
    def any(self) -> bool:
        return self.categories or self.brands or self.price_ranges or self.attributes


@dataclass(frozen=True)
class SearchRequest:
    text: str | None
    filter: SearchFilter = field(default_factory=SearchFilter)
    sort: SortOrder = SortOrder.RELEVANCE
    first: int = 20
    facets: FacetRequest = field(default_factory=FacetRequest)
    highlight: bool = False

    @classmethod
    def build(
        cls,
        text: str | None,
        *,
        filter: SearchFilter | None = None,
        sort: SortOrder = SortOrder.RELEVANCE,
        first: int = 20,
        facets: FacetRequest | None = None,
        highlight: bool = False,
    ) -> SearchRequest:
        words: str | None = None
        if text is not None:
            words = normalise_text(text, limit=MAX_QUERY_CHARS, field_name="query")
            if not any(ch.isalnum() for ch in words):
                raise QueryEmpty(
                    "The query has no letters or digits; leave `query` out to browse.", field="query"
                )
        if not 1 <= first <= MAX_PAGE_SIZE:
            raise PageSizeExceeded(f"`first` must be between 1 and {MAX_PAGE_SIZE}.", field="first")
        return cls(
            text=words,
            filter=filter or SearchFilter(),
            sort=sort,
            first=first,
            facets=facets or FacetRequest(),
            highlight=highlight,
        )

    def fingerprint(self) -> str:
        """The same search, whatever the page: what a cursor is bound to and the cache keyed by."""
        f = self.filter
        shape = {
            "q": self.text.casefold() if self.text else None,
            "c": sorted(map(str, f.category_ids)),
            "b": sorted(map(str, f.brand_ids)),
            "s": sorted(map(str, f.seller_ids)),
            "p": [f.price_min, f.price_max],
            "a": sorted([a.name, sorted(a.values)] for a in f.attributes),
            "i": f.in_stock,
            "o": self.sort.value,
        }
        return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:32]

    def cache_key(self) -> str:
        """The fingerprint plus what shapes the first page's answer."""
        extra = f"{self.first}:{int(self.facets.categories)}{int(self.facets.brands)}"
        extra += f"{int(self.facets.price_ranges)}{int(self.facets.attributes)}:{int(self.highlight)}"
        return f"{self.fingerprint()}:{extra}"
