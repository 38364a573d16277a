"""Merchandising rules (the spec's RecommendationRuleViewSet): admins only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from subgraphs.contracts.access import ADMIN_SCOPE
from subgraphs.platform.graphql.arguments import id_filter, page_args, uuid_arg
from subgraphs.platform.graphql.authz import requires_scopes
from subgraphs.platform.graphql.cost import PAGINATED, expected_size
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, UserError
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.errors import NotFound
from subgraphs.platform.kernel.ids import new_id, parse_id
from subgraphs.search.domain import rules as r
from subgraphs.search.domain.rules import normalise_query
from subgraphs.search.graphql.context import Info
from subgraphs.search.graphql.loaders import RuleStatsLoader
from subgraphs.search.service_layer.discovery_ports import RuleQuery
from subgraphs.search.service_layer.rules_admin import RuleUpdate

strawberry.enum(r.RuleKind, name="MerchandisingRuleKind")
strawberry.enum(r.RuleScope, name="MerchandisingRuleScope")
strawberry.enum(r.Surface, name="MerchandisingSurface")


@strawberry.type(description="How often what a rule placed was shown and clicked.")
class RuleStatistics:
    shown: int
    clicked: int
    click_through_rate: float


@strawberry.type(
    description="A merchandising rule, applied when search results and recommendations are served."
)
class RecommendationRule:
    id: strawberry.ID
    name: str
    kind: r.RuleKind
    scope: r.RuleScope
    target_id: strawberry.ID | None
    query: str | None
    product_ids: list[strawberry.ID] = strawberry.field(directives=[expected_size(10)])
    surfaces: list[r.Surface]
    weight: int
    starts_at: datetime | None
    ends_at: datetime | None
    enabled: bool
    active: bool
    version: int
    created_by: strawberry.ID | None
    created_at: datetime | None
    updated_at: datetime | None

    @strawberry.field(description="Shown and clicked so far (from the recommendation log).")
    async def stats(self, info: Info) -> RuleStatistics:
        s = await RuleStatsLoader.of(info.context).load(uuid.UUID(str(self.id)))
        return RuleStatistics(shown=s.shown, clicked=s.clicked, click_through_rate=s.click_through_rate)

    @classmethod
    def of(cls, rule: r.Rule) -> RecommendationRule:
        return cls(
            id=strawberry.ID(str(rule.id)),
            name=rule.name,
            kind=rule.kind,
            scope=rule.scope,
            target_id=strawberry.ID(str(rule.target_id)) if rule.target_id else None,
            query=rule.query,
            product_ids=[strawberry.ID(str(p)) for p in rule.product_ids],
            surfaces=sorted(rule.surfaces, key=lambda s: s.value),
            weight=rule.weight,
            starts_at=rule.starts_at,
            ends_at=rule.ends_at,
            enabled=rule.enabled,
            active=rule.active(utcnow()),
            version=rule.version,
            created_by=strawberry.ID(str(rule.created_by)) if rule.created_by else None,
            created_at=rule.created_at,
            updated_at=rule.updated_at,
        )


@strawberry.input
class RecommendationRuleFilter:
    kind: r.RuleKind | None = None
    scope: r.RuleScope | None = None
    target_id: strawberry.ID | None = None
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="Rules naming this product."
    )
    active: bool = strawberry.field(default=False, description="Only those in force now.")


@strawberry.input
class RecommendationRuleInput:
    name: str
    kind: r.RuleKind
    scope: r.RuleScope
    product_ids: list[strawberry.ID]
    surfaces: list[r.Surface]
    target_id: strawberry.ID | None = None
    query: str | None = None
    weight: int = 1
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    enabled: bool = True


@strawberry.input(description="Only the fields given change.")
class RecommendationRuleUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    name: str | None = None
    kind: r.RuleKind | None = None
    scope: r.RuleScope | None = None
    product_ids: list[strawberry.ID] | None = None
    surfaces: list[r.Surface] | None = None
    target_id: strawberry.ID | None = None
    clear_target: bool = False
    query: str | None = None
    clear_query: bool = False
    weight: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    clear_schedule: bool = False
    enabled: bool | None = None


@strawberry.type
class RecommendationRulesPayload:
    rules: list[RecommendationRule] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]


@strawberry.type
class RecommendationRuleDeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


def _products(raw: list[strawberry.ID], prefix: str) -> tuple[uuid.UUID, ...]:
    return tuple(p for p in (id_filter(x, f"{prefix}.productIds.{i}") for i, x in enumerate(raw[:51])) if p)


def _draft(raw: RecommendationRuleInput, i: int) -> r.Rule:
    prefix = f"rules.{i}"
    return r.Rule(
        id=new_id(),
        name=raw.name.strip(),
        kind=raw.kind,
        scope=raw.scope,
        product_ids=_products(raw.product_ids, prefix),
        surfaces=frozenset(raw.surfaces),
        target_id=id_filter(raw.target_id, f"{prefix}.targetId"),
        query=normalise_query(raw.query) if raw.query is not None else None,
        weight=raw.weight,
        starts_at=raw.starts_at,
        ends_at=raw.ends_at,
        enabled=raw.enabled,
    )


def _update(raw: RecommendationRuleUpdateInput, i: int) -> RuleUpdate:
    prefix = f"rules.{i}"
    changes: dict[str, Any] = {}
    for name in ("kind", "scope", "weight", "enabled"):
        value = getattr(raw, name)
        if value is not None:
            changes[name] = value
    if raw.name is not None:
        changes["name"] = raw.name.strip()
    if raw.product_ids is not None:
        changes["product_ids"] = _products(raw.product_ids, prefix)
    if raw.surfaces is not None:
        changes["surfaces"] = frozenset(raw.surfaces)
    if raw.clear_target:
        changes["target_id"] = None
    elif raw.target_id is not None:
        changes["target_id"] = id_filter(raw.target_id, f"{prefix}.targetId")
    if raw.clear_query:
        changes["query"] = None
    elif raw.query is not None:
        changes["query"] = normalise_query(raw.query)
    if raw.clear_schedule:
        changes |= {"starts_at": None, "ends_at": None}
    else:
        if raw.starts_at is not None:
            changes["starts_at"] = raw.starts_at
        if raw.ends_at is not None:
            changes["ends_at"] = raw.ends_at
    return RuleUpdate(uuid_arg(raw.id, f"{prefix}.id"), changes, raw.expected_version)


@strawberry.type
class RuleQueries:
    @strawberry.federation.field(
        **requires_scopes(ADMIN_SCOPE), directives=[PAGINATED], description="Newest first."
    )
    async def recommendation_rules(
        self,
        info: Info,
        filter: RecommendationRuleFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[RecommendationRule]:
        f = filter or RecommendationRuleFilter()
        query = RuleQuery(
            kind=f.kind,
            scope=f.scope,
            target_id=id_filter(f.target_id, "filter.targetId"),
            product_id=id_filter(f.product_id, "filter.productId"),
            active_at=utcnow() if f.active else None,
        )
        page = await info.context.services.discovery_reads.rules(
            query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, RecommendationRule.of)

    @strawberry.federation.field(**requires_scopes(ADMIN_SCOPE))
    async def recommendation_rule(self, info: Info, id: strawberry.ID) -> RecommendationRule | None:
        key = parse_id(id)
        found = await info.context.services.discovery_reads.rule(key) if key else None
        return RecommendationRule.of(found) if found else None


@strawberry.type
class RuleMutations:
    @strawberry.federation.mutation(
        **requires_scopes(ADMIN_SCOPE), description="Up to 50 rules, all or none."
    )
    async def recommendation_rules_bulk_create(
        self, info: Info, rules: list[RecommendationRuleInput]
    ) -> RecommendationRulesPayload:
        ctx = info.context
        admin = ctx.require_principal().user_id
        made, errors = await user_errors(
            lambda: ctx.services.rule_admin.create(admin, [_draft(x, i) for i, x in enumerate(rules[:51])])
        )
        return RecommendationRulesPayload(
            rules=[RecommendationRule.of(x) for x in made or []], user_errors=errors
        )

    @strawberry.federation.mutation(
        **requires_scopes(ADMIN_SCOPE),
        description="Up to 50 rules, all or none; `expectedVersion` guards each.",
    )
    async def recommendation_rules_bulk_update(
        self, info: Info, rules: list[RecommendationRuleUpdateInput]
    ) -> RecommendationRulesPayload:
        ctx = info.context
        admin = ctx.require_principal().user_id
        changed, errors = await user_errors(
            lambda: ctx.services.rule_admin.update(admin, [_update(x, i) for i, x in enumerate(rules[:51])])
        )
        return RecommendationRulesPayload(
            rules=[RecommendationRule.of(x) for x in changed or []], user_errors=errors
        )

    @strawberry.federation.mutation(**requires_scopes(ADMIN_SCOPE))
    async def recommendation_rule_delete(
        self, info: Info, id: strawberry.ID
    ) -> RecommendationRuleDeletePayload:
        ctx = info.context
        admin = ctx.require_principal().user_id
        rule_id = parse_id(id)

        async def delete() -> uuid.UUID:
            if rule_id is None:
                raise NotFound("No such rule.", field="id")
            await ctx.services.rule_admin.delete(admin, rule_id)
            return rule_id

        deleted, errors = await user_errors(delete)
        return RecommendationRuleDeletePayload(
            deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors
        )
