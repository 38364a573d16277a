"""The recommendation log (the spec's RecommendationLogViewSet): admins only."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.contracts.access import ADMIN_SCOPE
from subgraphs.platform.graphql.arguments import id_filter, page_args
from subgraphs.platform.graphql.authz import requires_scopes
from subgraphs.platform.graphql.cost import PAGINATED
from subgraphs.platform.graphql.types import Connection
from subgraphs.platform.kernel.ids import parse_id
from subgraphs.search.graphql.context import Info
from subgraphs.search.graphql.types import Product
from subgraphs.search.service_layer.discovery_ports import LogEntry, LogQuery
from subgraphs.search.service_layer.recommending import Placement
from subgraphs.search.service_layer.tracking import Reaction


@strawberry.type(description="A recommendation a shopper was shown or clicked.")
class RecommendationLog:
    id: strawberry.ID
    reaction: Reaction
    product: Product
    user_id: strawberry.ID | None
    placement: Placement
    served_id: strawberry.ID
    rule_id: strawberry.ID | None
    at: datetime

    @classmethod
    def of(cls, e: LogEntry) -> RecommendationLog:
        return cls(
            id=strawberry.ID(str(e.id)),
            reaction=Reaction(e.kind),
            product=Product(id=strawberry.ID(str(e.product_id))),
            user_id=strawberry.ID(str(e.user_id)) if e.user_id else None,
            placement=Placement(e.placement),
            served_id=strawberry.ID(str(e.served_id)),
            rule_id=strawberry.ID(str(e.rule_id)) if e.rule_id else None,
            at=e.at,
        )


@strawberry.input
class RecommendationLogFilter:
    user_id: strawberry.ID | None = None
    product_id: strawberry.ID | None = None
    rule_id: strawberry.ID | None = None
    reaction: Reaction | None = None
    after: datetime | None = None
    before: datetime | None = None


@strawberry.type
class LogQueries:
    @strawberry.federation.field(
        **requires_scopes(ADMIN_SCOPE),
        directives=[PAGINATED],
        description="Newest first; kept from Kafka in batches, so a report shows within seconds.",
    )
    async def recommendation_logs(
        self,
        info: Info,
        filter: RecommendationLogFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[RecommendationLog]:
        f = filter or RecommendationLogFilter()
        query = LogQuery(
            user_id=id_filter(f.user_id, "filter.userId"),
            product_id=id_filter(f.product_id, "filter.productId"),
            rule_id=id_filter(f.rule_id, "filter.ruleId"),
            kind=f.reaction.value if f.reaction else None,
            after=f.after,
            before=f.before,
        )
        page = await info.context.services.discovery_reads.logs(
            query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, RecommendationLog.of)

    @strawberry.federation.field(**requires_scopes(ADMIN_SCOPE))
    async def recommendation_log(self, info: Info, id: strawberry.ID) -> RecommendationLog | None:
        key = parse_id(id)
        found = await info.context.services.discovery_reads.log(key) if key else None
        return RecommendationLog.of(found) if found else None
