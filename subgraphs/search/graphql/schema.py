"""The search subgraph schema (Federation 2): search, suggestions, recommendations, their rules
and log."""

from __future__ import annotations

import strawberry

from subgraphs.platform.graphql.auth_extension import reject_invalid_tokens
from subgraphs.platform.graphql.limits import limit_extensions
from subgraphs.platform.graphql.schema import SubgraphSchema
from subgraphs.platform.settings import Settings
from subgraphs.search.graphql.logs import LogQueries
from subgraphs.search.graphql.queries import SearchQuery
from subgraphs.search.graphql.recommendations import RecommendationQueries, TrackingMutations
from subgraphs.search.graphql.rules import RuleMutations, RuleQueries
from subgraphs.search.graphql.types import Brand, Category, Product


@strawberry.type
class Query(SearchQuery, RecommendationQueries, RuleQueries, LogQueries):
    pass


@strawberry.type
class Mutation(TrackingMutations, RuleMutations):
    pass


def build_schema(settings: Settings) -> SubgraphSchema:
    return SubgraphSchema(
        query=Query,
        mutation=Mutation,
        types=[Product, Category, Brand],
        federation_version="2.9",
        extensions=[reject_invalid_tokens(frozenset({"__typename"})), *limit_extensions(settings)],
    )
