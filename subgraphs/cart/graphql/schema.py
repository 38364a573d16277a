"""The cart subgraph schema (Federation 2): carts, cart items and wishlists."""

from __future__ import annotations

import strawberry

from subgraphs.cart.graphql.mutations import CartMutation
from subgraphs.cart.graphql.queries import CartQuery
from subgraphs.cart.graphql.types import Cart, Product, ProductVariant
from subgraphs.cart.graphql.wishlists import WishlistMutation, WishlistQuery
from subgraphs.platform.graphql.auth_extension import reject_invalid_tokens
from subgraphs.platform.graphql.limits import limit_extensions
from subgraphs.platform.graphql.schema import SubgraphSchema
from subgraphs.platform.settings import Settings


@strawberry.type
class Query(CartQuery, WishlistQuery):
    pass


@strawberry.type
class Mutation(CartMutation, WishlistMutation):
    pass


def build_schema(settings: Settings) -> SubgraphSchema:
    return SubgraphSchema(
        query=Query,
        mutation=Mutation,
        types=[Cart, Product, ProductVariant],
        federation_version="2.9",
        extensions=[reject_invalid_tokens(frozenset({"__typename"})), *limit_extensions(settings)],
    )
