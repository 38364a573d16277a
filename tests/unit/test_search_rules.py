"""Search and recommendation rules in plain Python: queries, cursors, merchandising, baskets."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from subgraphs.platform.kernel.errors import InvalidCursor, PageSizeExceeded
from subgraphs.search.domain.behaviour import Interest, Signal, pairs
from subgraphs.search.domain.errors import InvalidFilter, PageLimitReached, QueryEmpty, QueryTooLong
from subgraphs.search.domain.query import AttributeFilter, SearchFilter, SearchRequest, SortOrder
from subgraphs.search.domain.results import SearchCursor
from subgraphs.search.domain.rules import (
    Candidate,
    Rule,
    RuleKind,
    RuleScope,
    Slot,
    Surface,
    apply_to_list,
    shaping,
)

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
A, B, C, D = (uuid.UUID(int=n) for n in range(1, 5))


def rule(kind: RuleKind, products: tuple[uuid.UUID, ...], **kw: object) -> Rule:
    defaults: dict[str, object] = {
        "id": uuid.uuid4(),
        "name": kind.value,
        "kind": kind,
        "scope": RuleScope.EVERYWHERE,
        "product_ids": products,
        "surfaces": frozenset({Surface.SEARCH, Surface.RECOMMENDATIONS}),
        "created_at": NOW,
    }
    return Rule(**{**defaults, **kw})  # type: ignore[arg-type]


def test_query_text_is_normalised_and_capped() -> None:
    assert SearchRequest.build("  Red\u3000\tSHOES ").text == "Red SHOES"
    assert SearchRequest.build("\uff52\uff45\uff44").text == "red"  # NFKC: full-width letters are letters
    with pytest.raises(QueryTooLong):
        SearchRequest.build("x" * 201)
    with pytest.raises(QueryEmpty):
        SearchRequest.build(" * ")
    with pytest.raises(PageSizeExceeded):
        SearchRequest.build("red", first=51)
    assert SearchRequest.build(None).text is None  # browsing by filters alone


def test_filters_are_checked() -> None:
    with pytest.raises(InvalidFilter):
        SearchFilter(price_min=10, price_max=5)
    with pytest.raises(InvalidFilter):
        SearchFilter(attributes=(AttributeFilter("Color", ()),))
    with pytest.raises(InvalidFilter):
        SearchFilter(attributes=(AttributeFilter("Color", ("Red",)), AttributeFilter("Color", ("Blue",))))
    with pytest.raises(InvalidFilter):
        SearchFilter(brand_ids=tuple(uuid.uuid4() for _ in range(51)))


def test_the_fingerprint_ignores_case_order_and_page_size() -> None:
    a = SearchRequest.build("Red Shoes", filter=SearchFilter(brand_ids=(A, B)), first=5)
    b = SearchRequest.build("red shoes", filter=SearchFilter(brand_ids=(B, A)), first=20)
    assert a.fingerprint() == b.fingerprint()
    assert a.cache_key() != b.cache_key()
    assert a.fingerprint() != SearchRequest.build("red shoes", sort=SortOrder.NEWEST).fingerprint()


def test_a_cursor_is_bound_to_its_search_and_capped_in_depth() -> None:
    request = SearchRequest.build("red", first=20)
    raw = SearchCursor(request.fingerprint(), (1.5, "x"), 40).encode()
    assert SearchCursor.decode(raw, request).position == 40
    with pytest.raises(InvalidCursor):
        SearchCursor.decode(raw, SearchRequest.build("blue", first=20))
    with pytest.raises(InvalidCursor):
        SearchCursor.decode(SearchCursor(request.fingerprint(), ({"a": 1},), 0).encode(), request)  # type: ignore[arg-type]
    with pytest.raises(PageLimitReached):
        SearchCursor.decode(SearchCursor(request.fingerprint(), (1,), 9_990).encode(), request)


def test_rules_apply_where_and_when_they_say() -> None:
    category = uuid.uuid4()
    rules = [
        rule(RuleKind.PIN, (A,), scope=RuleScope.QUERY, query="red shoes"),
        rule(RuleKind.EXCLUDE, (B,), scope=RuleScope.CATEGORY, target_id=category),
        rule(RuleKind.BOOST, (C,), weight=3, starts_at=NOW + timedelta(hours=1)),  # not yet
        rule(RuleKind.BURY, (D,), weight=2, enabled=False),
    ]
    shape = shaping(rules, Slot(Surface.SEARCH, category_ids=(category,), query="Red  SHOES"), NOW)
    assert shape.pinned == ((A, rules[0].id),)
    assert shape.excluded == {B}
    assert not shape.boosted
    assert not shape.buried
    assert shaping(rules, Slot(Surface.SEARCH, query="blue"), NOW).empty
    assert shaping(rules, Slot(Surface.SEARCH), NOW + timedelta(hours=2)).boosted == {C: (3, rules[2].id)}


def test_excluding_wins_and_lists_are_shaped_in_order() -> None:
    target = uuid.uuid4()
    bundle = rule(
        RuleKind.BUNDLE,
        (D,),
        scope=RuleScope.PRODUCT,
        target_id=target,
        surfaces=frozenset({Surface.RECOMMENDATIONS}),
    )
    pin = rule(RuleKind.PIN, (C, B))
    exclude = rule(RuleKind.EXCLUDE, (B,))
    bury = rule(RuleKind.BURY, (A,), weight=9)
    shape = shaping([bundle, pin, exclude, bury], Slot(Surface.RECOMMENDATIONS, product_id=target), NOW)
    pool = [
        Candidate(A, 10.0, "SIMILAR"),
        Candidate(B, 9.0, "SIMILAR"),
        Candidate(uuid.UUID(int=9), 2.0, "SIMILAR"),
    ]
    shaped = apply_to_list(pool, shape, 10)
    assert [(c.product_id, c.reason) for c in shaped] == [
        (D, "BUNDLE"),
        (C, "PINNED"),
        (uuid.UUID(int=9), "SIMILAR"),  # 2.0 beats A's 10 / (1 + 9)
        (A, "SIMILAR"),
    ]
    assert shaped[-1].rule_id == bury.id
    assert B not in {c.product_id for c in shaped}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"product_ids": ()}, "productIds"),
        ({"scope": RuleScope.CATEGORY}, "targetId"),
        ({"scope": RuleScope.QUERY}, "query"),
        ({"kind": RuleKind.BUNDLE}, "kind"),
        ({"kind": RuleKind.BOOST, "weight": 101}, "weight"),
        ({"starts_at": NOW, "ends_at": NOW}, "endsAt"),
        ({"surfaces": frozenset()}, "surfaces"),
        ({"product_ids": (A, A)}, "productIds"),
    ],
)
def test_a_bad_rule_names_its_field(changes: dict[str, object], field: str) -> None:
    kind = changes.pop("kind", RuleKind.PIN)
    bad = rule(kind, (A,), **changes)  # type: ignore[arg-type]
    assert field in {p.field for p in bad.problems()}
    assert rule(RuleKind.PIN, (A,)).problems() == []


def test_a_basket_pairs_within_itself_and_with_what_its_checkout_bought_before() -> None:
    assert pairs([A, B], []) == sorted([(A, B), (B, A)])
    assert set(pairs([C], [A, B])) == {(C, A), (A, C), (C, B), (B, C)}
    assert pairs([A], [A]) == []


def test_signals_weigh_intent_and_fall_in_hour_buckets() -> None:
    s = Signal(A, None, Interest.ORDER, NOW.replace(minute=42, second=7))
    assert s.weight > Signal(A, None, Interest.CART, NOW).weight > Signal(A, None, Interest.VIEW, NOW).weight
    assert s.bucket == NOW
