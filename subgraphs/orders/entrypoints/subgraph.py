"""The orders subgraph as the platform builds it: schema, storage, services, consumers, workers."""

from __future__ import annotations

from starlette.routing import Route

from subgraphs.orders.adapters import tables
from subgraphs.orders.entrypoints.bootstrap import bootstrap
from subgraphs.orders.entrypoints.carrier_webhook import carrier_webhook
from subgraphs.orders.entrypoints.config import OrdersConfig
from subgraphs.orders.entrypoints.consumers import CONSUMERS
from subgraphs.orders.entrypoints.live_feed import feed_subscribers
from subgraphs.orders.entrypoints.payment_webhook import payment_webhook
from subgraphs.orders.entrypoints.return_photos import return_photo
from subgraphs.orders.entrypoints.saga_keeper import keep_sagas_moving
from subgraphs.orders.graphql.schema import build_schema
from subgraphs.orders.service_layer.services import OrdersServices
from subgraphs.platform.subgraph import Subgraph

ORDERS: Subgraph[OrdersServices, OrdersConfig] = Subgraph(
    name="orders",
    port=4004,
    schema=build_schema,
    storage=tables.STORAGE,
    config=OrdersConfig.from_env,
    bootstrap=bootstrap,
    consumers=CONSUMERS,
    workers=(keep_sagas_moving, feed_subscribers),
    routes=(
        Route("/webhooks/payments", payment_webhook, methods=["POST"]),
        Route("/webhooks/carriers", carrier_webhook, methods=["POST"]),
        Route("/return-photos/{key:path}", return_photo, methods=["GET"]),
    ),
    uploads=True,  # return photos (GraphQL multipart requests)
)
