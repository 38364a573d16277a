"""What a search answers: hits (product ids with their highlights), facet counts, a page's place."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass, field

from subgraphs.platform.kernel.errors import InvalidCursor
from subgraphs.search.domain.errors import PageLimitReached
from subgraphs.search.domain.query import MAX_RESULT_WINDOW, SearchFilter, SearchRequest

SortValue = str | int | float | None


@dataclass(frozen=True)
class SearchCursor:
    """Where the next page starts: the last hit's sort values in one point-in-time snapshot.

    Bound to the search it came from (its fingerprint), so a cursor cannot be replayed against
    other filters; `position` caps how deep paging goes.
    """

    fingerprint: str
    after: tuple[SortValue, ...]
    position: int
    pit_id: str | None = None

    def encode(self) -> str:
        body = {"f": self.fingerprint, "a": list(self.after), "n": self.position, "p": self.pit_id}
        return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()

    @classmethod
    def decode(cls, raw: str, request: SearchRequest) -> SearchCursor:
        try:
            if len(raw) > 4096:
                raise ValueError("too long")
            body = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
            fingerprint, after, position, pit = body["f"], body["a"], body["n"], body["p"]
            if not isinstance(fingerprint, str) or not isinstance(position, int) or position < 0:
                raise ValueError("bad fields")
            if not isinstance(after, list) or not 1 <= len(after) <= 3:
                raise ValueError("bad sort values")
            if not all(v is None or isinstance(v, str | int | float) for v in after):
                raise ValueError("bad sort values")
            if pit is not None and not isinstance(pit, str):
                raise ValueError("bad snapshot")
        except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error) as exc:
            raise InvalidCursor("This cursor is not one this search gave out.", field="after") from exc
        if fingerprint != request.fingerprint():
            raise InvalidCursor(
                "This cursor belongs to another search (query, filters or sort).", field="after"
            )
        if position + request.first > MAX_RESULT_WINDOW:
            raise PageLimitReached(
                f"Results go {MAX_RESULT_WINDOW} deep; narrow the search to see more.", field="after"
            )
        return cls(fingerprint=fingerprint, after=tuple(after), position=position, pit_id=pit)


@dataclass(frozen=True)
class Highlight:
    field: str
    fragments: tuple[str, ...]


@dataclass(frozen=True)
class SearchHit:
    product_id: uuid.UUID
    score: float | None
    sort_values: tuple[SortValue, ...]
    highlights: tuple[Highlight, ...] = ()


@dataclass(frozen=True)
class Bucket:
    key: str
    count: int
    selected: bool


def ranked_buckets(found: dict[str, int], chosen: set[str], top: int | None = None) -> tuple[Bucket, ...]:
    """Counts as a facet lists them: the `top` largest (largest first, then by key), and every
    chosen value even when it counts nothing."""
    ordered = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    kept = dict(ordered if top is None else ordered[:top])
    for key in chosen:
        kept.setdefault(key, found.get(key, 0))
    return tuple(
        Bucket(key=k, count=c, selected=k in chosen)
        for k, c in sorted(kept.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def price_bucket_selected(low: int | None, high: int | None, f: SearchFilter) -> bool:
    """Whether the shopper's price range covers this bucket [low, high)."""
    if f.price_min is None and f.price_max is None:
        return False
    above_min = (low or 0) >= (f.price_min or 0)
    below_max = f.price_max is None or (high is not None and high - 1 <= f.price_max)
    return above_min and below_max


@dataclass(frozen=True)
class PriceBucket:
    min: int | None
    max: int | None
    count: int
    selected: bool


@dataclass(frozen=True)
class AttributeFacet:
    name: str
    values: tuple[Bucket, ...]


@dataclass(frozen=True)
class Facets:
    categories: tuple[Bucket, ...] = ()
    brands: tuple[Bucket, ...] = ()
    price_ranges: tuple[PriceBucket, ...] = ()
    attributes: tuple[AttributeFacet, ...] = ()


@dataclass(frozen=True)
class SearchPage:
    hits: tuple[SearchHit, ...]
    total: int
    total_is_exact: bool
    has_next_page: bool
    # Where this page starts (0 on the first) and the snapshot later pages read.
    position: int
    pit_id: str | None
    facets: Facets = field(default_factory=Facets)
    did_you_mean: str | None = None

    def cursor_of(self, index: int, request: SearchRequest) -> str:
        hit = self.hits[index]
        return SearchCursor(
            fingerprint=request.fingerprint(),
            after=hit.sort_values,
            position=self.position + index + 1,
            pit_id=self.pit_id,
        ).encode()


@dataclass(frozen=True)
class Suggestion:
    text: str
    product_id: uuid.UUID | None
