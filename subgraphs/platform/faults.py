"""Which exceptions mean "a dependency is down" rather than "this code has a bug".

A lost PostgreSQL, Valkey or Kafka connection is an outage: the request changed nothing and may
be retried, so clients get SERVICE_UNAVAILABLE (HTTP 503 with Retry-After) and consumers retry
the event with backoff. Everything else stays a bug (INTERNAL_SERVER_ERROR, or a poison event).
The cause chain is followed, because SQLAlchemy and our own adapters wrap the driver's error.
"""

from __future__ import annotations

import asyncio
import socket

import asyncpg
import httpx
import redis.exceptions
import sqlalchemy.exc
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError, RequestTimedOutError

from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.platform.sql.read_pool import ReadPoolUnavailable

_POSTGRES = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, crash shutdown
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InterfaceError,  # "connection is closed", "pool is closing"
    sqlalchemy.exc.TimeoutError,  # no pooled connection within pool_timeout
    sqlalchemy.exc.DisconnectionError,  # a pooled connection that did not answer its ping
    ReadPoolUnavailable,  # no connection for a prepared read
)
_REDIS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, redis.exceptions.BusyLoadingError)
_KAFKA = (KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError, RequestTimedOutError)


def unavailable_dependency(exc: BaseException) -> str | None:
    """The service that is away ("postgres", "redis", "kafka", "subgraph", "network"), or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ServiceUnavailable):
            return str(current.extensions.get("dependency", "unknown"))
        if isinstance(current, _REDIS):
            return "redis"
        if isinstance(current, _KAFKA):
            return "kafka"
        if isinstance(current, _POSTGRES):
            return "postgres"
        if isinstance(current, sqlalchemy.exc.DBAPIError) and current.connection_invalidated:
            return "postgres"
        if isinstance(current, httpx.TransportError):
            return "subgraph"  # another subgraph asked over HTTP (the cart asks products)
        if isinstance(current, ConnectionError | socket.gaierror | asyncio.TimeoutError | TimeoutError):
            # Refused or reset sockets below a driver that did not wrap them (asyncpg's connect).
            return "network"
        current = current.__cause__ or current.__context__
    return None


def as_unavailable(exc: BaseException) -> ServiceUnavailable | None:
    dependency = unavailable_dependency(exc)
    if dependency is None:
        return None
    if isinstance(exc, ServiceUnavailable):
        return exc
    return ServiceUnavailable(
        f"A service this request needs is unavailable ({dependency}); nothing was changed. Retry shortly.",
        dependency=dependency,
    )
