"""Merchandising rules: what admins tell search and recommendations to do with products.

    PIN      these products first (in their order) where the rule applies
    BOOST    these products rank higher (weight: how much)
    BURY     these products rank lower
    EXCLUDE  these products never show where the rule applies
    BUNDLE   shown with the target product (recommendations only, PRODUCT scope)

A rule applies EVERYWHERE, in one CATEGORY (a search filtered to it, or its trending list), on
one PRODUCT's recommendations, or to one search QUERY (compared normalised), on the surfaces it
names, during its schedule. Rules apply when results are served: nothing is re-indexed.
"""

from __future__ import annotations

import enum
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from subgraphs.platform.kernel.errors import BadUserInput

MAX_RULE_PRODUCTS = 50
MAX_WEIGHT = 100


class RuleKind(enum.Enum):
    PIN = "PIN"
    BOOST = "BOOST"
    BURY = "BURY"
    EXCLUDE = "EXCLUDE"
    BUNDLE = "BUNDLE"


class RuleScope(enum.Enum):
    EVERYWHERE = "EVERYWHERE"
    CATEGORY = "CATEGORY"
    PRODUCT = "PRODUCT"
    QUERY = "QUERY"


class Surface(enum.Enum):
    SEARCH = "SEARCH"
    RECOMMENDATIONS = "RECOMMENDATIONS"


class InvalidRule(BadUserInput):
    code = "INVALID_RULE"


def normalise_query(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Rule:
    id: uuid.UUID
    name: str
    kind: RuleKind
    scope: RuleScope
    product_ids: tuple[uuid.UUID, ...]
    surfaces: frozenset[Surface]
    target_id: uuid.UUID | None = None  # the category or product of CATEGORY / PRODUCT scope
    query: str | None = None  # QUERY scope, normalised
    weight: int = 1
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    enabled: bool = True
    version: int = 1
    created_by: uuid.UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def problems(self, prefix: str = "") -> list[InvalidRule]:
        """Everything wrong with the rule, each at its field."""
        found: list[InvalidRule] = []

        def bad(message: str, name: str) -> None:
            found.append(InvalidRule(message, field=f"{prefix}{name}"))

        if not self.name.strip() or len(self.name) > 120:
            bad("A name of 1 to 120 characters.", "name")
        if not 1 <= len(self.product_ids) <= MAX_RULE_PRODUCTS:
            bad(f"Between 1 and {MAX_RULE_PRODUCTS} products.", "productIds")
        if len(set(self.product_ids)) != len(self.product_ids):
            bad("Each product once.", "productIds")
        if not self.surfaces:
            bad("At least one surface.", "surfaces")
        needs_target = self.scope in (RuleScope.CATEGORY, RuleScope.PRODUCT)
        if needs_target and self.target_id is None:
            bad(f"A {self.scope.value} rule names its {self.scope.value.lower()} (targetId).", "targetId")
        if not needs_target and self.target_id is not None:
            bad(f"A {self.scope.value} rule has no targetId.", "targetId")
        if self.scope is RuleScope.QUERY and not (self.query and 0 < len(self.query) <= 200):
            bad("A QUERY rule names its query (1 to 200 characters).", "query")
        if self.scope is not RuleScope.QUERY and self.query is not None:
            bad("Only a QUERY rule has a query.", "query")
        if self.kind is RuleKind.BUNDLE and (
            self.scope is not RuleScope.PRODUCT or self.surfaces != {Surface.RECOMMENDATIONS}
        ):
            bad("A BUNDLE rule is a PRODUCT rule on RECOMMENDATIONS only.", "kind")
        if self.kind in (RuleKind.BOOST, RuleKind.BURY) and not 1 <= self.weight <= MAX_WEIGHT:
            bad(f"A weight between 1 and {MAX_WEIGHT}.", "weight")
        if self.starts_at and self.ends_at and self.starts_at >= self.ends_at:
            bad("The schedule ends before it starts.", "endsAt")
        if self.scope is RuleScope.PRODUCT and Surface.SEARCH in self.surfaces:
            bad("A PRODUCT rule shapes that product's recommendations only.", "surfaces")
        return found

    def active(self, now: datetime) -> bool:
        return (
            self.enabled
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or now < self.ends_at)
        )


@dataclass(frozen=True)
class Slot:
    """Where results are being served (a slot): what a rule's scope is matched against."""

    surface: Surface
    category_ids: tuple[uuid.UUID, ...] = ()  # the chosen categories and their ancestors
    product_id: uuid.UUID | None = None
    query: str | None = None

    def covers(self, rule: Rule) -> bool:
        if self.surface not in rule.surfaces:
            return False
        if rule.scope is RuleScope.EVERYWHERE:
            return True
        if rule.scope is RuleScope.CATEGORY:
            return rule.target_id in self.category_ids
        if rule.scope is RuleScope.PRODUCT:
            return rule.target_id == self.product_id
        return self.query is not None and rule.query == normalise_query(self.query)


@dataclass(frozen=True)
class Shaping:
    """What the rules that apply ask of one result list."""

    pinned: tuple[tuple[uuid.UUID, uuid.UUID], ...] = ()  # (product, rule), in order
    boosted: dict[uuid.UUID, tuple[int, uuid.UUID]] = field(default_factory=dict)  # product → (weight, rule)
    buried: dict[uuid.UUID, tuple[int, uuid.UUID]] = field(default_factory=dict)
    excluded: frozenset[uuid.UUID] = frozenset()
    bundled: tuple[tuple[uuid.UUID, uuid.UUID], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.pinned or self.boosted or self.buried or self.excluded or self.bundled)

    def fingerprint(self) -> str:
        """Equal for the same shaping: part of a cached page's key (schedules start and end)."""
        if self.empty:
            return "-"
        parts = [
            ",".join(f"{p}:{r}" for p, r in self.pinned),
            ",".join(f"{p}:{w}" for p, (w, _) in sorted(self.boosted.items())),
            ",".join(f"{p}:{w}" for p, (w, _) in sorted(self.buried.items())),
            ",".join(sorted(map(str, self.excluded))),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def shaping(rules: Iterable[Rule], placement: Slot, now: datetime) -> Shaping:
    applying = sorted(
        (r for r in rules if r.active(now) and placement.covers(r)), key=lambda r: (r.created_at or now, r.id)
    )
    excluded = {p for r in applying if r.kind is RuleKind.EXCLUDE for p in r.product_ids}
    pinned: dict[uuid.UUID, uuid.UUID] = {}
    bundled: dict[uuid.UUID, uuid.UUID] = {}
    boosted: dict[uuid.UUID, tuple[int, uuid.UUID]] = {}
    buried: dict[uuid.UUID, tuple[int, uuid.UUID]] = {}
    for rule in applying:
        for product in rule.product_ids:
            if product in excluded:
                continue  # excluding wins over everything else
            if rule.kind is RuleKind.PIN:
                pinned.setdefault(product, rule.id)
            elif rule.kind is RuleKind.BUNDLE:
                bundled.setdefault(product, rule.id)
            elif rule.kind is RuleKind.BOOST:
                boosted[product] = max(boosted.get(product, (0, rule.id)), (rule.weight, rule.id))
            elif rule.kind is RuleKind.BURY:
                buried[product] = max(buried.get(product, (0, rule.id)), (rule.weight, rule.id))
    return Shaping(
        pinned=tuple(pinned.items()),
        boosted=boosted,
        buried=buried,
        excluded=frozenset(excluded),
        bundled=tuple(bundled.items()),
    )


@dataclass(frozen=True)
class Candidate:
    product_id: uuid.UUID
    score: float
    reason: str
    rule_id: uuid.UUID | None = None


def apply_to_list(candidates: Sequence[Candidate], shape: Shaping, size: int) -> list[Candidate]:
    """Recommendations: bundles, then pins, then the rest re-scored by boosts and burials."""
    head = [Candidate(p, 0.0, "BUNDLE", r) for p, r in shape.bundled]
    head += [Candidate(p, 0.0, "PINNED", r) for p, r in shape.pinned]
    placed = {c.product_id for c in head}
    rest = []
    for c in candidates:
        if c.product_id in shape.excluded or c.product_id in placed:
            continue
        placed.add(c.product_id)
        score, rule = c.score, c.rule_id
        if c.product_id in shape.boosted:
            weight, rule = shape.boosted[c.product_id]
            score *= 1 + weight
        if c.product_id in shape.buried:
            weight, rule = shape.buried[c.product_id]
            score /= 1 + weight
        rest.append(Candidate(c.product_id, score, c.reason, rule))
    rest.sort(key=lambda c: (-c.score, str(c.product_id)))
    return (head + rest)[:size]
