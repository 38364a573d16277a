"""The worker that reads order and shipment events for this process's subscribers."""

from __future__ import annotations

import asyncio

from subgraphs.orders.service_layer.services import OrdersServices


async def feed_subscribers(services: OrdersServices, stop: asyncio.Event) -> None:
    await services.live.feed.run(stop)
