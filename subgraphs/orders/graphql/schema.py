"""The orders subgraph schema (Federation 2): checkouts, orders and order items."""

from __future__ import annotations

import strawberry

from subgraphs.orders.graphql.live import OrdersSubscription
from subgraphs.orders.graphql.mutations import OrdersMutation
from subgraphs.orders.graphql.overrides import OverrideMutations, OverrideQueries
from subgraphs.orders.graphql.permission_rows import PermissionRowQueries
from subgraphs.orders.graphql.permissions import PermissionMutation, PermissionQuery
from subgraphs.orders.graphql.queries import OrdersQuery
from subgraphs.orders.graphql.returns import ReturnMutations, ReturnQueries
from subgraphs.orders.graphql.settlements import SettlementMutations, SettlementQueries
from subgraphs.orders.graphql.shipments import ShipmentMutations, ShipmentQueries
from subgraphs.orders.graphql.types import Checkout, Order, OrderItem, Product, ProductVariant
from subgraphs.platform.graphql.auth_extension import reject_invalid_tokens
from subgraphs.platform.graphql.limits import limit_extensions
from subgraphs.platform.graphql.schema import SubgraphSchema
from subgraphs.platform.settings import Settings


@strawberry.type
class Query(
    OrdersQuery,
    PermissionQuery,
    ShipmentQueries,
    ReturnQueries,
    SettlementQueries,
    OverrideQueries,
    PermissionRowQueries,
):
    pass


@strawberry.type
class Mutation(
    OrdersMutation,
    PermissionMutation,
    ShipmentMutations,
    ReturnMutations,
    SettlementMutations,
    OverrideMutations,
):
    pass


def build_schema(settings: Settings) -> SubgraphSchema:
    return SubgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=OrdersSubscription,
        types=[Checkout, Order, OrderItem, Product, ProductVariant],
        federation_version="2.9",
        extensions=[reject_invalid_tokens(frozenset({"__typename"})), *limit_extensions(settings)],
    )
