"""The search subgraph's repository: the index ledger plus the writes of recommendations,
merchandising rules and the recommendation log, on one PostgreSQL transaction."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    DateTime,
    Table,
    Uuid,
    bindparam,
    column,
    delete,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnClause

from subgraphs.search.adapters import tables as t
from subgraphs.search.adapters.ledger import SqlIndexLedger
from subgraphs.search.adapters.rule_rows import rule_from_row, rule_values
from subgraphs.search.domain.behaviour import Signal
from subgraphs.search.domain.rules import Rule
from subgraphs.search.service_layer.discovery_ports import LogEntry, RuleStats

_LEDGER = t.indexed_products
_STAMP = DateTime(timezone=True)


def _rows(*columns: ColumnClause[Any]) -> Any:
    """`unnest(:a, :b, …) AS rows(a, b, …)`: a statement's rows, one array per column."""
    arrays = [bindparam(f"{c.name}s", type_=ARRAY(c.type)) for c in columns]
    return func.unnest(*arrays).table_valued(*columns).render_derived(name="rows")


def _known(rows: Any) -> Any:
    """Only products the index shows: a report about an unknown id leaves no row."""
    return rows.join(
        _LEDGER, (_LEDGER.c.product_id == rows.c.product_id) & _LEDGER.c.fingerprint.is_not(None)
    )


def _sum_into(table: Table, chosen: Select[Any], keys: tuple[str, ...], summed: str, replaced: str) -> Any:
    """INSERT … SELECT `chosen` (its columns named as the table's); where a row with those keys
    is there already, `summed` adds up and `replaced` takes the new value."""
    statement = insert(table).from_select([c.name for c in chosen.selected_columns], chosen)
    return statement.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={
            summed: table.c[summed] + statement.excluded[summed],
            replaced: statement.excluded[replaced],
        },
    )


def _statements() -> tuple[Any, Any, Any]:
    seen = _rows(column("product_id", Uuid), column("bucket", _STAMP), column("score", BigInteger))
    activity = select(seen.c.product_id, seen.c.bucket, _LEDGER.c.category_ids, seen.c.score)
    liked = _rows(
        column("user_id", Uuid),
        column("product_id", Uuid),
        column("score", BigInteger),
        column("last_at", _STAMP),
    )
    affinity = select(liked.c.user_id, liked.c.product_id, liked.c.score, liked.c.last_at)
    bought = _rows(column("product_id", Uuid), column("other_id", Uuid))
    pairs = select(
        bought.c.product_id,
        bought.c.other_id,
        literal(1, BigInteger).label("count"),
        bindparam("at", type_=_STAMP).label("last_at"),
    )
    return (
        _sum_into(
            t.product_activity,
            activity.select_from(_known(seen)),
            ("product_id", "bucket"),
            "score",
            "category_ids",
        ),
        _sum_into(
            t.user_affinity,
            affinity.select_from(_known(liked)),
            ("user_id", "product_id"),
            "score",
            "last_at",
        ),
        _sum_into(t.co_purchases, pairs.select_from(bought), ("product_id", "other_id"), "count", "last_at"),
    )


_ADD_ACTIVITY, _ADD_AFFINITY, _ADD_PAIRS = _statements()


class SqlSearchRepository(SqlIndexLedger):
    async def record(self, signals: Sequence[Signal]) -> None:
        # Summed per row first, then one statement per table for the whole poll (rows in key
        # order, so two polls lock shared rows in the same order).
        activity: dict[tuple[uuid.UUID, datetime], int] = defaultdict(int)
        affinity: dict[tuple[uuid.UUID, uuid.UUID], tuple[int, datetime]] = {}
        for s in signals:
            activity[(s.product_id, s.bucket)] += s.weight
            if s.user_id is not None:
                score, last = affinity.get((s.user_id, s.product_id), (0, s.at))
                affinity[(s.user_id, s.product_id)] = (score + s.weight, max(last, s.at))
        if activity:
            rows = sorted(activity.items())
            await self._conn.execute(
                _ADD_ACTIVITY,
                {
                    "product_ids": [k[0] for k, _ in rows],
                    "buckets": [k[1] for k, _ in rows],
                    "scores": [v for _, v in rows],
                },
            )
        if affinity:
            pairs = sorted(affinity.items())
            await self._conn.execute(
                _ADD_AFFINITY,
                {
                    "user_ids": [k[0] for k, _ in pairs],
                    "product_ids": [k[1] for k, _ in pairs],
                    "scores": [v[0] for _, v in pairs],
                    "last_ats": [v[1] for _, v in pairs],
                },
            )

    async def record_basket(
        self, checkout_id: uuid.UUID, product_ids: Sequence[uuid.UUID]
    ) -> list[uuid.UUID]:
        b = t.paid_baskets
        before = (
            await self._conn.execute(
                select(b.c.product_ids).where(b.c.checkout_id == checkout_id).with_for_update()
            )
        ).scalar()
        merged = sorted({*(before or ()), *product_ids})
        statement = insert(b).values(checkout_id=checkout_id, product_ids=merged)
        await self._conn.execute(
            statement.on_conflict_do_update(index_elements=[b.c.checkout_id], set_={"product_ids": merged})
        )
        return list(before or ())

    async def add_pairs(self, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]], at: datetime) -> None:
        if not pairs:
            return
        ordered = sorted(set(pairs))
        await self._conn.execute(
            _ADD_PAIRS,
            {"product_ids": [p for p, _ in ordered], "other_ids": [o for _, o in ordered], "at": at},
        )

    async def rules_by_id(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Rule]:
        r = t.merchandising_rules
        found = await self._conn.execute(
            select(r).where(r.c.id.in_(list(ids))).order_by(r.c.id).with_for_update()
        )
        return {row.id: rule_from_row(row) for row in found}

    async def insert_rule(self, rule: Rule) -> None:
        await self._conn.execute(insert(t.merchandising_rules).values(rule_values(rule)))

    async def update_rule(self, rule: Rule) -> None:
        r = t.merchandising_rules
        values = rule_values(rule)
        for fixed in ("id", "created_by", "created_at"):
            values.pop(fixed)
        await self._conn.execute(update(r).where(r.c.id == rule.id).values(values))

    async def delete_rule(self, rule_id: uuid.UUID) -> None:
        await self._conn.execute(delete(t.merchandising_rules).where(t.merchandising_rules.c.id == rule_id))

    async def insert_logs(self, entries: Sequence[LogEntry]) -> list[LogEntry]:
        if not entries:
            return []
        logs = t.recommendation_logs
        rows = [
            {
                "product_id": e.product_id,
                "id": e.id,
                "kind": e.kind,
                "user_id": e.user_id,
                "placement": e.placement,
                "served_id": e.served_id,
                "rule_id": e.rule_id,
                "at": e.at,
            }
            for e in entries
        ]
        stored = await self._conn.execute(
            insert(logs).values(rows).on_conflict_do_nothing().returning(logs.c.id)
        )
        new = {row.id for row in stored}
        return [e for e in entries if e.id in new]

    async def add_rule_stats(self, counts: dict[uuid.UUID, RuleStats]) -> None:
        s = t.rule_stats
        for rule_id, c in sorted(counts.items()):
            statement = insert(s).values(rule_id=rule_id, shown=c.shown, clicked=c.clicked)
            await self._conn.execute(
                statement.on_conflict_do_update(
                    index_elements=[s.c.rule_id],
                    set_={"shown": s.c.shown + c.shown, "clicked": s.c.clicked + c.clicked},
                )
            )
