"""The background work a subgraph declares, as supervised tasks: its outbox relay, retention,
consumers and its own workers.

Each runs under `supervise`: a worker that raises is logged and started again with capped
backoff, so one bug or one outage never silently ends a consumer for the life of the process.
`Workers.states` is what `/ready` reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from subgraphs.platform.messaging.batches import BatchedConsumer
from subgraphs.platform.messaging.kafka import IdempotentConsumer
from subgraphs.platform.messaging.relay import run_outbox_relay
from subgraphs.platform.sql.retention import bookkeeping_retention, run_retention
from subgraphs.platform.subgraph import Consumer, Infrastructure, Subgraph

ServicesT = TypeVar("ServicesT")
logger = logging.getLogger("workers")
Work = Callable[[], Coroutine[Any, Any, None]]
MAX_RESTART_BACKOFF_SECONDS = 10.0
# A relay replica that does not hold the lock is healthy: it is the standby.
HEALTHY_STATES = frozenset({"running", "leading", "standby"})


@dataclass
class Worker:
    name: str
    work: Work
    # What the worker says of itself (a consumer's "running" / "retrying: postgres"), if it does.
    reports: Callable[[], str] | None = None
    restarts: int = 0
    crashed: str | None = None

    def follow(self, reporter: Any) -> None:
        """Report what `reporter.state` says (a relay built inside the work)."""
        self.reports = lambda: str(reporter.state)

    @property
    def state(self) -> str:
        if self.crashed is not None:
            return f"restarting after {self.crashed}"
        return self.reports() if self.reports is not None else "running"


@dataclass
class Workers:
    workers: list[Worker] = field(default_factory=list)

    def states(self) -> dict[str, str]:
        return {w.name: w.state for w in self.workers}

    def healthy(self) -> bool:
        return all(w.state in HEALTHY_STATES for w in self.workers)


async def supervise(worker: Worker, stop: asyncio.Event) -> None:
    """Run `worker` until `stop`, starting it again whenever it ends or raises."""
    failures = 0
    while not stop.is_set():
        try:
            await worker.work()
            worker.crashed = None
            if stop.is_set():
                return
            logger.error("worker %s returned before shutdown; starting it again", worker.name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            worker.crashed = type(exc).__name__
            logger.exception("worker %s crashed; starting it again", worker.name)
        failures += 1
        worker.restarts += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), min(MAX_RESTART_BACKOFF_SECONDS, 0.2 * 2**failures))
        worker.crashed = None


async def _run_own(
    own: Callable[[ServicesT, asyncio.Event], Awaitable[None]], services: ServicesT, stop: asyncio.Event
) -> None:
    await own(services, stop)


def consumer(infra: Infrastructure, declared: Consumer[ServicesT], services: ServicesT) -> IdempotentConsumer:
    return IdempotentConsumer(
        bootstrap_servers=infra.settings.kafka_bootstrap_servers,
        group_id=declared.group,
        topics=declared.topics,
        handler=partial(declared.handle, services),
    )


def background_workers(
    subgraph: Subgraph[ServicesT, Any], infra: Infrastructure, services: ServicesT, stop: asyncio.Event
) -> Workers:
    """Production runs relays and consumers as their own processes; settings turn each part off."""
    settings, engine = infra.settings, infra.engine
    workers = Workers()
    add = workers.workers.append
    if settings.run_outbox_relay:
        storage = subgraph.storage
        relay = Worker("outbox-relay", lambda: asyncio.sleep(0))
        relay.work = partial(run_outbox_relay, settings, engine, stop, storage.outbox, relay.follow)
        add(relay)
        bookkeeping = bookkeeping_retention(engine, stop, storage.outbox, storage.processed_events)
        for i, bookkeeping_job in enumerate(bookkeeping):
            add(Worker(f"bookkeeping-retention-{i}", bookkeeping_job))
        for retention in subgraph.retention:
            prune = partial(run_retention, engine, stop, retention.table, retention.expired)
            add(Worker(f"retention-{retention.table.name}", prune))
    if settings.run_consumers:
        for declared in subgraph.consumers:
            loop = consumer(infra, declared, services)
            worker = Worker(f"consumer:{declared.group}", partial(loop.run, stop))
            worker.follow(loop)
            add(worker)
        for batched in subgraph.batch_consumers:
            batch_loop = BatchedConsumer(
                bootstrap_servers=settings.kafka_bootstrap_servers,
                group_id=batched.group,
                topics=batched.topics,
                handler=partial(batched.handle, services),
            )
            batch_worker = Worker(f"consumer:{batched.group}", partial(batch_loop.run, stop))
            batch_worker.follow(batch_loop)
            add(batch_worker)
    for own in subgraph.workers:
        add(Worker(getattr(own, "__name__", "worker"), partial(_run_own, own, services, stop)))
    return workers
