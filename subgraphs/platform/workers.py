"""The background work a subgraph declares, as tasks: its outbox relay, retention and consumers."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from functools import partial
from typing import Any, TypeVar

from subgraphs.platform.messaging.kafka import IdempotentConsumer
from subgraphs.platform.messaging.relay import run_outbox_relay
from subgraphs.platform.sql.retention import bookkeeping_retention, run_retention
from subgraphs.platform.subgraph import Consumer, Infrastructure, Subgraph

ServicesT = TypeVar("ServicesT")


def consumer(infra: Infrastructure, declared: Consumer[ServicesT], services: ServicesT) -> IdempotentConsumer:
    return IdempotentConsumer(
        bootstrap_servers=infra.settings.kafka_bootstrap_servers,
        group_id=declared.group,
        topics=declared.topics,
        handler=partial(declared.handle, services),
    )


def background_tasks(
    subgraph: Subgraph[ServicesT, Any], infra: Infrastructure, services: ServicesT, stop: asyncio.Event
) -> list[Coroutine[Any, Any, None]]:
    """Production runs relays and consumers as their own processes; settings turn each part off."""
    settings, engine = infra.settings, infra.engine
    tasks: list[Coroutine[Any, Any, None]] = []
    if settings.run_outbox_relay:
        storage = subgraph.storage
        tasks.append(run_outbox_relay(settings, engine, stop, storage.outbox))
        tasks += bookkeeping_retention(engine, stop, storage.outbox, storage.processed_events)
        tasks += [run_retention(engine, stop, job.table, job.expired) for job in subgraph.retention]
    if settings.run_consumers:
        tasks += [consumer(infra, c, services).run(stop) for c in subgraph.consumers]
    return tasks
