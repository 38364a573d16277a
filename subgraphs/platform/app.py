"""The app a subgraph declaration becomes: Starlette + its Strawberry schema, served by uvicorn.

The lifespan opens the infrastructure (async engine, Redis, the JWKS), applies migrations, runs
the subgraph's bootstrap (its typed services), and starts the declared background work (outbox
relay, retention, consumers); everything closes on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from subgraphs.platform.auth.activity import DeviceActivity
from subgraphs.platform.auth.jwt import JwtVerifier
from subgraphs.platform.auth.revocations import RedisRevocations
from subgraphs.platform.gc_tuning import settle_after_startup
from subgraphs.platform.logs import configure_logging
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.sql.migrations import migrate
from subgraphs.platform.sql.read_pool import close_read_pools
from subgraphs.platform.subgraph import Infrastructure, Subgraph
from subgraphs.platform.web.graphql_view import SubgraphGraphQL
from subgraphs.platform.web.middleware import BodyLimitMiddleware, RequestIdMiddleware
from subgraphs.platform.web.peer_client import close_peer_sessions
from subgraphs.platform.workers import Workers, background_workers, supervise

ServicesT = TypeVar("ServicesT")
REDIS_COMMAND_TIMEOUT_SECONDS = 2.0


def redis_client(url: str) -> Redis:
    """Short timeouts and one retry on a fresh connection.

    A Valkey that is down refuses at once (connect timeout 0.5 s for one that does not answer
    at all). A command's own timeout is longer: it also counts the time this process's event
    loop takes to get back to the answer, which under saturating load (200 buyers checking out
    on two cores) passed 0.5 s and turned a healthy Valkey into coded SERVICE_UNAVAILABLE
    answers (35 of 650 checkouts in one bench run).

    After Valkey restarts, every pooled connection is dead; the retry makes the first command
    on each of them reconnect instead of failing once.
    """
    return Redis.from_url(
        url,
        decode_responses=False,
        socket_timeout=REDIS_COMMAND_TIMEOUT_SECONDS,
        socket_connect_timeout=0.5,
        retry=Retry(NoBackoff(), 1),
        retry_on_error=[RedisConnectionError],
        health_check_interval=0,
        # No CLIENT SETINFO: it costs a round trip per new connection, and redis-py reads its
        # own package metadata for it each time (≈ 1 ms of CPU: seen in the checkout profile).
        driver_info=None,
    )


async def open_infrastructure(settings: Settings) -> Infrastructure:
    engine = create_engine(settings)
    redis = redis_client(settings.redis_url)
    revocations = RedisRevocations(redis)
    verifier = JwtVerifier(settings, revocations)
    if verifier.configured:
        await verifier.load()
    return Infrastructure(
        settings=settings,
        engine=engine,
        redis=redis,
        verifier=verifier,
        revocations=revocations,
        activity=DeviceActivity(redis),
    )


async def close_infrastructure(infra: Infrastructure) -> None:
    await infra.redis.aclose()
    await close_read_pools()
    await close_peer_sessions()
    await infra.engine.dispose()


class _GraphQLEndpoint:
    """Dispatches to the endpoint the lifespan built (it may wrap the view in a cache)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["state"]["graphql"](scope, receive, send)


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "service": request.app.state.subgraph_name})


async def _ready(request: Request) -> Response:
    """503 while PostgreSQL is away (nothing can be answered); 200 "degraded" while only Valkey or
    a background worker is (reads still answer from PostgreSQL; signed-in requests get coded
    SERVICE_UNAVAILABLE); each worker's state either way."""
    infra: Infrastructure = request.state.infrastructure
    workers: Workers = request.state.workers
    checks: dict[str, str] = {}
    try:
        async with infra.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["postgres"] = "ok"
    except Exception as exc:  # readiness reports, it does not crash
        checks["postgres"] = f"error: {type(exc).__name__}"
    try:
        await infra.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {type(exc).__name__}"
    states = workers.states()
    if checks["postgres"] != "ok":
        status = "unavailable"
    elif checks["redis"] != "ok" or not workers.healthy():
        status = "degraded"
    else:
        status = "ok"
    return JSONResponse(
        {"status": status, **checks, "workers": states}, status_code=503 if status == "unavailable" else 200
    )


def build_app(
    subgraph: Subgraph[ServicesT, Any], settings: Settings | None = None, *, migrate_on_start: bool = True
) -> Starlette:
    settings = settings or Settings.from_env(subgraph.name)
    configure_logging(subgraph.name, settings.log_level)
    schema = subgraph.schema(settings)
    config = subgraph.config(settings.environment)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        infra = await open_infrastructure(settings)
        if migrate_on_start:
            await migrate(infra.engine, subgraph.storage.migrations, subgraph.storage.schema)
        services = subgraph.bootstrap(infra, config)
        view: ASGIApp = SubgraphGraphQL(
            schema,
            settings=settings,
            verifier=infra.verifier,
            activity=infra.activity,
            services=services,
            uploads=subgraph.uploads,
        )
        endpoint = subgraph.wrap_graphql(view, infra, services) if subgraph.wrap_graphql else view
        stop = asyncio.Event()
        workers = background_workers(subgraph, infra, services, stop)
        tasks = [
            asyncio.create_task(supervise(worker, stop), name=f"{subgraph.name}-{worker.name}")
            for worker in workers.workers
        ]
        # Everything alive now lives as long as the process: no collection walks it again.
        settle_after_startup()
        try:
            yield {"infrastructure": infra, "services": services, "graphql": endpoint, "workers": workers}
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await close_infrastructure(infra)

    app = Starlette(
        routes=[
            Route("/graphql", _GraphQLEndpoint(), methods=["GET", "POST"]),
            # Subscriptions (graphql-transport-ws): the router connects here for its clients.
            WebSocketRoute("/graphql", _GraphQLEndpoint()),
            Route("/health", _health),
            Route("/ready", _ready),
            *subgraph.routes,
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(
                BodyLimitMiddleware,
                max_bytes=settings.max_request_bytes,
                max_upload_bytes=settings.max_upload_bytes if subgraph.uploads else 0,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.subgraph_name = subgraph.name
    return app
