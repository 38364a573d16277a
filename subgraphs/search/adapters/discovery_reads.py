"""Recommendation, rule and log reads on PostgreSQL (outside any unit of work)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import KeysetOrder, SortKey, fetch_page
from subgraphs.search.adapters import tables as t
from subgraphs.search.adapters.rule_rows import rule_from_row
from subgraphs.search.domain.rules import Rule
from subgraphs.search.service_layer.discovery_ports import LogEntry, LogQuery, RuleQuery, RuleStats


def _log(row: Any) -> LogEntry:
    m = row._mapping
    return LogEntry(**{name: m[name] for name in LogEntry.__dataclass_fields__})


class SqlDiscoveryReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading(engine)

    async def top_of_user(self, user_id: uuid.UUID, size: int) -> list[uuid.UUID]:
        u = t.user_affinity
        async with self._engine.connect() as conn:
            # The 50 most recent interests, strongest first: old tastes fade out.
            recent = (
                select(u.c.product_id, u.c.score, u.c.last_at)
                .where(u.c.user_id == user_id)
                .order_by(u.c.last_at.desc())
                .limit(50)
                .subquery()
            )
            rows = await conn.execute(
                select(recent.c.product_id)
                .order_by(recent.c.score.desc(), recent.c.last_at.desc())
                .limit(size)
            )
            return [r.product_id for r in rows]

    async def also_bought(self, product_id: uuid.UUID, size: int) -> list[tuple[uuid.UUID, int]]:
        c = t.co_purchases
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(c.c.other_id, c.c.count.label("times"))
                .where(c.c.product_id == product_id)
                .order_by(c.c.count.desc(), c.c.other_id)
                .limit(size)
            )
            return [(r.other_id, int(r.times)) for r in rows]

    async def trending(
        self, category_id: uuid.UUID | None, since: datetime, size: int
    ) -> list[tuple[uuid.UUID, int]]:
        a = t.product_activity
        total = func.sum(a.c.score).label("total")
        sql = select(a.c.product_id, total).where(
            a.c.bucket >= since.replace(minute=0, second=0, microsecond=0)
        )
        if category_id is not None:
            sql = sql.where(a.c.category_ids.contains([category_id]))
        sql = sql.group_by(a.c.product_id).order_by(total.desc(), a.c.product_id).limit(size)
        async with self._engine.connect() as conn:
            return [(r.product_id, int(r.total)) for r in await conn.execute(sql)]

    async def rule(self, rule_id: uuid.UUID) -> Rule | None:
        r = t.merchandising_rules
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(r).where(r.c.id == rule_id))).first()
        return rule_from_row(row) if row else None

    async def rules(self, query: RuleQuery, page: PageArgs) -> Page[Rule]:
        r = t.merchandising_rules
        sql = select(r)
        if query.kind is not None:
            sql = sql.where(r.c.kind == query.kind.value)
        if query.scope is not None:
            sql = sql.where(r.c.scope == query.scope.value)
        if query.target_id is not None:
            sql = sql.where(r.c.target_id == query.target_id)
        if query.product_id is not None:
            sql = sql.where(r.c.product_ids.contains([query.product_id]))
        if query.active_at is not None:
            at = query.active_at
            sql = sql.where(
                r.c.enabled.is_(True),
                or_(r.c.starts_at.is_(None), r.c.starts_at <= at),
                or_(r.c.ends_at.is_(None), r.c.ends_at > at),
            )
        order = KeysetOrder(
            "recommendationRules",
            "NEWEST",
            (SortKey(r.c.created_at, datetime), SortKey(r.c.id, uuid.UUID)),
            True,
        )
        return (await fetch_page(self._engine, sql, order, page)).map(rule_from_row)

    async def all_rules(self) -> list[Rule]:
        r = t.merchandising_rules
        async with self._engine.connect() as conn:
            return [
                rule_from_row(row) for row in await conn.execute(select(r).order_by(r.c.created_at, r.c.id))
            ]

    async def rule_stats(self, rule_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, RuleStats]:
        s = t.rule_stats
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(s).where(s.c.rule_id.in_(list(rule_ids))))
            return {r.rule_id: RuleStats(shown=int(r.shown), clicked=int(r.clicked)) for r in rows}

    async def log(self, log_id: uuid.UUID) -> LogEntry | None:
        logs = t.recommendation_logs
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(logs).where(logs.c.id == log_id))).first()
        return _log(row) if row else None

    async def logs(self, query: LogQuery, page: PageArgs) -> Page[LogEntry]:
        logs = t.recommendation_logs
        sql = select(logs)
        if query.user_id is not None:
            sql = sql.where(logs.c.user_id == query.user_id)
        if query.product_id is not None:
            sql = sql.where(logs.c.product_id == query.product_id)
        if query.rule_id is not None:
            sql = sql.where(logs.c.rule_id == query.rule_id)
        if query.kind is not None:
            sql = sql.where(logs.c.kind == query.kind)
        if query.after is not None:
            sql = sql.where(logs.c.at >= query.after)
        if query.before is not None:
            sql = sql.where(logs.c.at < query.before)
        order = KeysetOrder(
            "recommendationLogs",
            "NEWEST",
            (SortKey(logs.c.at, datetime), SortKey(logs.c.id, uuid.UUID)),
            True,
        )
        return (await fetch_page(self._engine, sql, order, page)).map(_log)
