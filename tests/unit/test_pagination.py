from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Select, Table, Uuid, select
from sqlalchemy.dialects import postgresql

from subgraphs.platform.kernel.errors import BadUserInput, InvalidCursor, PageSizeExceeded
from subgraphs.platform.kernel.paging import (
    DEFAULT_PAGE_SIZE,
    PageArgs,
    build_page,
    decode_cursor,
    encode_cursor,
)
from subgraphs.platform.sql.keyset import KeysetOrder, SortKey, apply_keyset

items = Table("items", MetaData(), Column("id", Uuid, primary_key=True), Column("price", Integer))
BY_PRICE = KeysetOrder("items", "PRICE", (SortKey(items.c.price, int), SortKey(items.c.id, uuid.UUID)), False)
BY_PRICE_DESC = KeysetOrder("items", "PRICE", BY_PRICE.keys, True)
OTHER_LIST = KeysetOrder("things", "PRICE", BY_PRICE.keys, False)


def sql(query: Select[Any]) -> str:
    return str(query.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]


def test_a_cursor_round_trips_its_sort_values() -> None:
    key = uuid.uuid4()
    assert decode_cursor(BY_PRICE.cursor, encode_cursor(BY_PRICE.cursor, [1999, key])) == (1999, key)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(b"{}").decode(),
    ],
)
def test_malformed_cursors_are_rejected_with_a_code(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as err:
        decode_cursor(BY_PRICE.cursor, cursor)
    assert err.value.code == "INVALID_CURSOR"


def test_a_cursor_from_another_list_is_rejected() -> None:
    cursor = encode_cursor(OTHER_LIST.cursor, [1, uuid.uuid4()])
    with pytest.raises(InvalidCursor):
        decode_cursor(BY_PRICE.cursor, cursor)


def test_a_cursor_from_another_sort_direction_is_rejected() -> None:
    cursor = encode_cursor(BY_PRICE_DESC.cursor, [1, uuid.uuid4()])
    with pytest.raises(InvalidCursor):
        decode_cursor(BY_PRICE.cursor, cursor)


def test_a_tampered_value_type_is_rejected() -> None:
    forged = base64.urlsafe_b64encode(b'[1,"items","PRICE","A",["1999","x"]]').decode()
    with pytest.raises(InvalidCursor):
        decode_cursor(BY_PRICE.cursor, forged)


def test_first_and_last_together_are_refused() -> None:
    with pytest.raises(BadUserInput):
        PageArgs(first=1, last=1).validated()


def test_a_page_above_the_cap_is_refused() -> None:
    with pytest.raises(PageSizeExceeded) as err:
        PageArgs(first=101).validated(100)
    assert err.value.extensions["maxPageSize"] == 100


def test_negative_page_sizes_are_refused() -> None:
    with pytest.raises(BadUserInput):
        PageArgs(last=-1).validated()


def test_no_size_means_the_default_page() -> None:
    assert PageArgs().validated().first == DEFAULT_PAGE_SIZE


def test_forward_pages_use_a_row_comparison_and_fetch_one_extra_row() -> None:
    after = encode_cursor(BY_PRICE.cursor, [5, uuid.uuid4()])
    query = sql(apply_keyset(select(items), BY_PRICE, PageArgs(first=10, after=after)))
    assert "(items.price, items.id) > (" in query
    assert "ORDER BY items.price ASC, items.id ASC" in query
    assert "LIMIT" in query


def test_backward_pages_read_in_reverse_then_restore_order() -> None:
    before = encode_cursor(BY_PRICE.cursor, [5, uuid.uuid4()])
    query = sql(apply_keyset(select(items), BY_PRICE, PageArgs(last=2, before=before)))
    assert "(items.price, items.id) < (" in query
    assert "ORDER BY items.price DESC, items.id DESC" in query
    rows = [(3, uuid.UUID(int=3)), (2, uuid.UUID(int=2)), (1, uuid.UUID(int=1))]
    page = build_page(rows, BY_PRICE.cursor, PageArgs(last=2, before=before), lambda r: r)
    assert [r[0] for r in page.rows] == [2, 3]
    assert page.has_previous_page is True
    assert page.has_next_page is True


def test_the_extra_row_only_signals_a_next_page() -> None:
    rows = [(i, uuid.UUID(int=i)) for i in range(4)]
    page = build_page(rows, BY_PRICE.cursor, PageArgs(first=3), lambda r: r)
    assert len(page.rows) == 3
    assert page.has_next_page is True
    assert page.has_previous_page is False
    assert decode_cursor(BY_PRICE.cursor, page.cursors[-1]) == rows[2]


def test_descending_order_flips_the_comparison() -> None:
    after = encode_cursor(BY_PRICE_DESC.cursor, [5, uuid.uuid4()])
    query = sql(apply_keyset(select(items), BY_PRICE_DESC, PageArgs(first=10, after=after)))
    assert "(items.price, items.id) < (" in query
    assert "ORDER BY items.price DESC, items.id DESC" in query
