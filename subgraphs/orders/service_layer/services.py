"""Everything the orders subgraph offers its resolvers and consumers, built by `entrypoints/bootstrap.py`.

a new use case    a method on one of these classes (or a new class, added here and in bootstrap)
a new read        a method on the `OrderReads` port and its SQL adapter (adapters/order_reads.py)
"""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.orders.service_layer.checkouts import Checkouts
from subgraphs.orders.service_layer.grants import OrderGrants
from subgraphs.orders.service_layer.live_orders import LiveOrders
from subgraphs.orders.service_layer.orders import OrderActions, OrderQueries
from subgraphs.orders.service_layer.overrides import AdminOverrides
from subgraphs.orders.service_layer.permission_rows import PermissionRows
from subgraphs.orders.service_layer.returns import ReturnActions, ReturnQueries
from subgraphs.orders.service_layer.saga import CheckoutSaga
from subgraphs.orders.service_layer.settlements import Settlements
from subgraphs.orders.service_layer.shipments import ShipmentActions, ShipmentQueries


@dataclass(frozen=True)
class OrdersServices:
    checkouts: Checkouts
    saga: CheckoutSaga
    queries: OrderQueries
    actions: OrderActions
    grants: OrderGrants
    shipment_actions: ShipmentActions
    shipment_queries: ShipmentQueries
    live: LiveOrders
    return_actions: ReturnActions
    return_queries: ReturnQueries
    settlements: Settlements
    overrides: AdminOverrides
    permission_rows: PermissionRows
    webhook_secret: str
    carrier_secret: str
    photo_secret: str
