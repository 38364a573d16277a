"""What a subgraph declares; the platform builds the app, relay, consumers and workers from it.

    PRODUCTS = Subgraph(
        name="products", port=4001, schema=build_schema, storage=tables.STORAGE,
        config=ProductsConfig.from_env, bootstrap=bootstrap,
        consumers=(Consumer("products-category-counter", (PRODUCT_TOPIC,), count_categories),),
    )

`bootstrap(infrastructure, config)` is the subgraph's composition root: it builds the frozen
dataclass of use cases and read models that every resolver (`info.context.services`) and every
consumer handler receives. Adding a subgraph is one such declaration plus its own modules
(docs/adding-a-subgraph.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from redis.asyncio import Redis
from sqlalchemy import ColumnElement, Table
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.routing import Route
from starlette.types import ASGIApp

from subgraphs.platform.auth.activity import DeviceActivity
from subgraphs.platform.auth.jwt import JwtVerifier
from subgraphs.platform.auth.revocations import RedisRevocations
from subgraphs.platform.graphql.schema import SubgraphSchema
from subgraphs.platform.kernel.messages import Envelope, Topic
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.messaging.batches import Rejected
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.storage import SubgraphStorage

ServicesT = TypeVar("ServicesT")
ConfigT = TypeVar("ConfigT")


@dataclass(frozen=True)
class Infrastructure:
    """What the app's lifespan opens once per process and hands to the subgraph's bootstrap."""

    settings: Settings
    engine: AsyncEngine
    redis: Redis
    verifier: JwtVerifier
    # Shared by the verifier and any use case that revokes, so a process sees its own
    # revocations at once.
    revocations: RedisRevocations
    activity: DeviceActivity


@dataclass(frozen=True)
class Consumer(Generic[ServicesT]):
    """A consumer group: the topics it reads and the handler that applies each event.

    The handler decodes the typed event (`envelope.event()`) and calls one use case with the
    claim, which the use case's unit of work records in the effect's transaction.
    """

    group: str
    topics: tuple[Topic, ...]
    handle: Callable[[ServicesT, Envelope, Claim], Awaitable[None]]


@dataclass(frozen=True)
class BatchConsumer(Generic[ServicesT]):
    """A consumer group applied in batches (`messaging/batches.py`): the handler gets every
    event of a poll and is idempotent by itself (no claim per event). It may return the events
    it could not apply (with why): those alone go to the dead-letter topic."""

    group: str
    topics: tuple[Topic, ...]
    handle: Callable[[ServicesT, list[Envelope]], Awaitable[Rejected | None]]


@dataclass(frozen=True)
class RetentionJob:
    """Rows of `table` matching `expired` are deleted in small batches every ten minutes."""

    table: Table
    expired: ColumnElement[bool]


@dataclass(frozen=True)
class Subgraph(Generic[ServicesT, ConfigT]):
    name: str
    port: int  # the local default (dev); test and bench profiles add an offset
    schema: Callable[[Settings], SubgraphSchema]
    storage: SubgraphStorage
    config: Callable[[Mapping[str, str]], ConfigT]
    bootstrap: Callable[[Infrastructure, ConfigT], ServicesT]
    consumers: tuple[Consumer[ServicesT], ...] = ()
    batch_consumers: tuple[BatchConsumer[ServicesT], ...] = ()
    # Besides the outbox and the processed events, which every subgraph prunes.
    retention: tuple[RetentionJob, ...] = ()
    # The subgraph's own upkeep, run in every process under the supervisor (restarted if it dies).
    workers: tuple[Callable[[ServicesT, asyncio.Event], Awaitable[None]], ...] = ()
    # Extra HTTP routes; their handlers find the services in `request.state.services`.
    routes: tuple[Route, ...] = ()
    # An ASGI wrapper around the GraphQL endpoint (e.g. a response cache).
    wrap_graphql: Callable[[ASGIApp, Infrastructure, ServicesT], ASGIApp] | None = None
    # GraphQL multipart requests (file uploads), off unless the subgraph takes files.
    uploads: bool = False

    @property
    def asgi_factory(self) -> str:
        """What uvicorn runs (`--factory`)."""
        return f"subgraphs.{self.name}.entrypoints.asgi:create"
