"""Admins' merchandising rules: bulk create and update (all or nothing), delete.

Every change is one transaction with a `merchandising.rule_changed` event; after the commit the
processes reload their rule book and cached first pages of search are retired, so the next
search and the next recommendation see the change.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from subgraphs.contracts.search import RuleChanged
from subgraphs.platform.kernel.errors import AppError, Conflict, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.kernel.unit_of_work import UnitOfWorkFactory
from subgraphs.search.domain.rules import MAX_RULE_PRODUCTS, Rule
from subgraphs.search.service_layer.discovery_ports import DiscoveryWriter, RuleBook
from subgraphs.search.service_layer.ports import QueryCache

MAX_RULES_PER_CALL = 50
# Fields an update may change (the rest: id, who made it and when).
CHANGEABLE = (
    "name",
    "kind",
    "scope",
    "target_id",
    "query",
    "product_ids",
    "surfaces",
    "weight",
    "starts_at",
    "ends_at",
    "enabled",
)


@dataclass(frozen=True)
class RuleUpdate:
    rule_id: uuid.UUID
    changes: dict[str, Any]  # a subset of CHANGEABLE
    expected_version: int | None = None


@dataclass(frozen=True)
class RuleAdmin:
    uow: UnitOfWorkFactory[DiscoveryWriter]
    book: RuleBook
    search_cache: QueryCache
    clock: Callable[[], datetime]

    async def create(self, admin_id: uuid.UUID, drafts: Sequence[Rule]) -> list[Rule]:
        _count(drafts)
        now = self.clock()
        rules = [
            dataclasses.replace(
                d, id=new_id(), version=1, created_by=admin_id, created_at=now, updated_at=now
            )
            for d in drafts
        ]
        problems = [p for i, r in enumerate(rules) for p in r.problems(f"rules.{i}.")]
        if problems:
            raise InputErrors(problems)
        async with self.uow() as uow:
            for rule in rules:
                await uow.repo.insert_rule(rule)
                uow.events.append(
                    RuleChanged(rule_id=rule.id, change="CREATED", admin_id=admin_id, version=1)
                )
            await uow.commit()
        await self._changed()
        return rules

    async def update(self, admin_id: uuid.UUID, updates: Sequence[RuleUpdate]) -> list[Rule]:
        _count(updates)
        if len({u.rule_id for u in updates}) != len(updates):
            raise InputErrors([AppError("Each rule once per call.", field="rules")])
        now = self.clock()
        async with self.uow() as uow:
            current = await uow.repo.rules_by_id([u.rule_id for u in updates])
            problems: list[AppError] = []
            changed: list[Rule] = []
            for i, u in enumerate(updates):
                rule = current.get(u.rule_id)
                if rule is None:
                    problems.append(NotFound("No such rule.", field=f"rules.{i}.id"))
                    continue
                if u.expected_version is not None and u.expected_version != rule.version:
                    problems.append(
                        Conflict(
                            f"The rule is at version {rule.version}.", field=f"rules.{i}.expectedVersion"
                        )
                    )
                    continue
                unknown = set(u.changes) - set(CHANGEABLE)
                if unknown:
                    raise ValueError(f"not changeable: {sorted(unknown)}")
                new = dataclasses.replace(rule, **u.changes, version=rule.version + 1, updated_at=now)
                problems += new.problems(f"rules.{i}.")
                changed.append(new)
            if problems:
                raise InputErrors(problems)
            for rule in changed:
                await uow.repo.update_rule(rule)
                uow.events.append(
                    RuleChanged(rule_id=rule.id, change="UPDATED", admin_id=admin_id, version=rule.version)
                )
            await uow.commit()
        await self._changed()
        return changed

    async def delete(self, admin_id: uuid.UUID, rule_id: uuid.UUID) -> None:
        async with self.uow() as uow:
            found = (await uow.repo.rules_by_id([rule_id])).get(rule_id)
            if found is None:
                raise NotFound("No such rule.", field="id")
            await uow.repo.delete_rule(rule_id)
            uow.events.append(
                RuleChanged(rule_id=rule_id, change="DELETED", admin_id=admin_id, version=found.version + 1)
            )
            await uow.commit()
        await self._changed()

    async def _changed(self) -> None:
        await self.book.changed()
        await self.search_cache.bump()


def _count(items: Sequence[object]) -> None:
    if not 1 <= len(items) <= MAX_RULES_PER_CALL:
        raise InputErrors([AppError(f"Between 1 and {MAX_RULES_PER_CALL} rules per call.", field="rules")])


__all__ = ["CHANGEABLE", "MAX_RULE_PRODUCTS", "RuleAdmin", "RuleUpdate"]
