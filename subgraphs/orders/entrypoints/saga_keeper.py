"""Finishes what a dead process left mid-saga: pays checkouts left RESERVED, fails abandoned ones.

Runs in every orders process every few seconds; the saga's steps are idempotent and its final
writes re-check the checkout's stage under a row lock, so two keepers (or a keeper and the
consumer) working on the same checkout settle it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from subgraphs.orders.service_layer.services import OrdersServices
from subgraphs.platform.faults import unavailable_dependency

logger = logging.getLogger("orders.saga_keeper")
CHECK_EVERY_SECONDS = 2.0


async def keep_sagas_moving(services: OrdersServices, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            if touched := await services.saga.resume_stalled():
                logger.info("resumed %d stalled checkouts", touched)
        except Exception as exc:
            if unavailable_dependency(exc) is None:
                raise  # a bug: the supervisor logs it and restarts this worker
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), CHECK_EVERY_SECONDS)
