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
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from subgraphs.platform.auth.activity import DeviceActivity
from subgraphs.platform.auth.jwt import JwtVerifier
from subgraphs.platform.auth.revocations import RedisRevocations
from subgraphs.platform.logs import configure_logging
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.sql.migrations import migrate
from subgraphs.platform.subgraph import Infrastructure, Subgraph
from subgraphs.platform.web.graphql_view import SubgraphGraphQL
from subgraphs.platform.web.middleware import BodyLimitMiddleware, RequestIdMiddleware
from subgraphs.platform.workers import background_tasks

ServicesT = TypeVar("ServicesT")


async def open_infrastructure(settings: Settings) -> Infrastructure:
    engine = create_engine(settings)
    redis = Redis.from_url(settings.redis_url, decode_responses=False)
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
    await infra.engine.dispose()


class _GraphQLEndpoint:
    """Dispatches to the endpoint the lifespan built (it may wrap the view in a cache)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["state"]["graphql"](scope, receive, send)


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "service": request.app.state.subgraph_name})


async def _ready(request: Request) -> Response:
    infra: Infrastructure = request.state.infrastructure
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
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", **checks}, status_code=200 if ok else 503)


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
        tasks = [
            asyncio.create_task(work, name=f"{subgraph.name}-worker")
            for work in background_tasks(subgraph, infra, services, stop)
        ]
        try:
            yield {"infrastructure": infra, "services": services, "graphql": endpoint}
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await close_infrastructure(infra)

    app = Starlette(
        routes=[
            Route("/graphql", _GraphQLEndpoint(), methods=["GET", "POST"]),
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
