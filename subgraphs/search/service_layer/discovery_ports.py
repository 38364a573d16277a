"""What recommendations, merchandising rules and the recommendation log need from the world."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.search.domain.behaviour import Signal
from subgraphs.search.domain.rules import Candidate, Rule, RuleKind, RuleScope


@dataclass(frozen=True)
class LogEntry:
    id: uuid.UUID
    kind: str  # SHOWN | CLICKED
    product_id: uuid.UUID
    user_id: uuid.UUID | None
    placement: str
    served_id: uuid.UUID
    rule_id: uuid.UUID | None
    at: datetime


@dataclass(frozen=True)
class RuleQuery:
    kind: RuleKind | None = None
    scope: RuleScope | None = None
    target_id: uuid.UUID | None = None
    product_id: uuid.UUID | None = None
    active_at: datetime | None = None


@dataclass(frozen=True)
class LogQuery:
    user_id: uuid.UUID | None = None
    product_id: uuid.UUID | None = None
    rule_id: uuid.UUID | None = None
    kind: str | None = None
    after: datetime | None = None
    before: datetime | None = None


@dataclass(frozen=True)
class RuleStats:
    shown: int = 0
    clicked: int = 0

    @property
    def click_through_rate(self) -> float:
        return self.clicked / self.shown if self.shown else 0.0


class DiscoveryWriter(Protocol):
    """The writes of recommendations, rules and the log (inside a unit of work)."""

    async def record(self, signals: Sequence[Signal]) -> None:
        """Add each signal to its product's hour (trending) and its shopper's affinity."""

    async def record_basket(
        self, checkout_id: uuid.UUID, product_ids: Sequence[uuid.UUID]
    ) -> list[uuid.UUID]:
        """Remember what this checkout bought; returns what it had bought before."""

    async def add_pairs(self, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]], at: datetime) -> None: ...

    async def rules_by_id(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Rule]:
        """Locked until the unit of work ends."""

    async def insert_rule(self, rule: Rule) -> None: ...

    async def update_rule(self, rule: Rule) -> None: ...

    async def delete_rule(self, rule_id: uuid.UUID) -> None: ...

    async def insert_logs(self, entries: Sequence[LogEntry]) -> list[LogEntry]:
        """The entries not stored before (a redelivered batch adds nothing)."""

    async def add_rule_stats(self, counts: dict[uuid.UUID, RuleStats]) -> None: ...


class DiscoveryReads(Protocol):
    async def top_of_user(self, user_id: uuid.UUID, size: int) -> list[uuid.UUID]:
        """The products this shopper showed most interest in, most recent first."""

    async def also_bought(self, product_id: uuid.UUID, size: int) -> list[tuple[uuid.UUID, int]]: ...

    async def trending(
        self, category_id: uuid.UUID | None, since: datetime, size: int
    ) -> list[tuple[uuid.UUID, int]]: ...

    async def rule(self, rule_id: uuid.UUID) -> Rule | None: ...

    async def rules(self, query: RuleQuery, page: PageArgs) -> Page[Rule]: ...

    async def all_rules(self) -> list[Rule]: ...

    async def rule_stats(self, rule_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, RuleStats]: ...

    async def log(self, log_id: uuid.UUID) -> LogEntry | None: ...

    async def logs(self, query: LogQuery, page: PageArgs) -> Page[LogEntry]: ...


class SimilarProducts(Protocol):
    async def similar(self, like: Sequence[uuid.UUID], size: int) -> list[tuple[uuid.UUID, float]]:
        """Products whose text, category and brand resemble these (not these themselves)."""

    async def visible(self, product_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these are searchable now (listed, not deleted)."""


@dataclass(frozen=True)
class CachedList:
    """A cached list (None: a miss) and the key's stamp when it was read."""

    pool: list[Candidate] | None
    stamp: str


class RecommendationCache(Protocol):
    """Precomputed lists (per shopper, per product, per category's trending).

    A list computed from reads that began before a `drop` must not be stored after it (it
    would hide the change until it expires): `put` takes the stamp `get` gave and stores
    only while no drop has come since.
    """

    async def get(self, key: str) -> CachedList: ...

    async def put(self, key: str, candidates: Sequence[Candidate], ttl_seconds: int, stamp: str) -> bool: ...

    async def drop(self, keys: Sequence[str]) -> None: ...


class RuleBook(Protocol):
    async def current(self) -> list[Rule]:
        """Every rule (they are few); reloaded when one changes."""

    async def changed(self) -> None:
        """Tell every process to reload."""
