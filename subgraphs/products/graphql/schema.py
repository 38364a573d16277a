"""The products subgraph schema (Federation 2)."""

from __future__ import annotations

import strawberry

from subgraphs.platform.graphql.auth_extension import RejectInvalidTokens
from subgraphs.platform.graphql.limits import limit_extensions
from subgraphs.platform.graphql.schema import SubgraphSchema
from subgraphs.platform.settings import Settings
from subgraphs.products.graphql.image_mutations import ImageMutation
from subgraphs.products.graphql.live import ProductsSubscription
from subgraphs.products.graphql.mutations import CatalogMutation
from subgraphs.products.graphql.queries import CatalogQuery
from subgraphs.products.graphql.taxonomy_mutations import TaxonomyMutation
from subgraphs.products.graphql.types import Brand, Category, Product, ProductImage, ProductVariant


@strawberry.type
class Query(CatalogQuery):
    pass


@strawberry.type
class Mutation(CatalogMutation, ImageMutation, TaxonomyMutation):
    pass


def build_schema(settings: Settings) -> SubgraphSchema:
    return SubgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=ProductsSubscription,
        types=[Product, ProductVariant, ProductImage, Category, Brand],
        federation_version="2.9",
        extensions=[RejectInvalidTokens, *limit_extensions(settings)],
    )
