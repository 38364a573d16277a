"""Frees stock held by checkouts that never finished (their reservations' expiry has passed).

Every products process runs it; the due rows are locked with SKIP LOCKED, so replicas share
the work instead of repeating it. A full batch means more are due: the next runs at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from subgraphs.platform.faults import unavailable_dependency
from subgraphs.products.service_layer.reservations import EXPIRY_BATCH
from subgraphs.products.service_layer.services import ProductsServices

logger = logging.getLogger("products.reservations")
CHECK_EVERY_SECONDS = 2.0


async def expire_reservations(services: ProductsServices, stop: asyncio.Event) -> None:
    while not stop.is_set():
        freed = 0
        try:
            freed = await services.reservations.expire_due()
            if freed:
                logger.info("freed %d expired stock reservations", freed)
        except Exception as exc:
            if unavailable_dependency(exc) is None:
                raise  # a bug: the supervisor logs it and restarts this worker
        if freed < EXPIRY_BATCH:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CHECK_EVERY_SECONDS)
