"""Merchandising rules to and from their rows."""

from __future__ import annotations

from typing import Any

from subgraphs.search.domain.rules import Rule, RuleKind, RuleScope, Surface


def rule_from_row(row: Any) -> Rule:
    m = row._mapping
    return Rule(
        id=m["id"],
        name=m["name"],
        kind=RuleKind(m["kind"]),
        scope=RuleScope(m["scope"]),
        product_ids=tuple(m["product_ids"]),
        surfaces=frozenset(Surface(s) for s in m["surfaces"]),
        target_id=m["target_id"],
        query=m["query"],
        weight=int(m["weight"]),
        starts_at=m["starts_at"],
        ends_at=m["ends_at"],
        enabled=m["enabled"],
        version=int(m["version"]),
        created_by=m["created_by"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def rule_values(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "kind": rule.kind.value,
        "scope": rule.scope.value,
        "target_id": rule.target_id,
        "query": rule.query,
        "product_ids": list(rule.product_ids),
        "surfaces": sorted(s.value for s in rule.surfaces),
        "weight": rule.weight,
        "starts_at": rule.starts_at,
        "ends_at": rule.ends_at,
        "enabled": rule.enabled,
        "version": rule.version,
        "created_by": rule.created_by,
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
    }
