"""The worker that reads inventory events for this process's subscribers."""

from __future__ import annotations

import asyncio

from subgraphs.products.service_layer.services import ProductsServices


async def feed_subscribers(services: ProductsServices, stop: asyncio.Event) -> None:
    await services.live.feed.run(stop)
