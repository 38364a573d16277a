"""The subgraph app factory: Starlette + Strawberry federation schema, served by uvicorn.

The lifespan opens the async engine, Redis and the JWKS, applies migrations, and starts the
subgraph's background workers (outbox relay, consumers); everything closes on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import strawberry
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from subgraphs.platform.activity import DeviceActivity
from subgraphs.platform.asgi_middleware import BodyLimitMiddleware, RequestIdMiddleware
from subgraphs.platform.context import Context
from subgraphs.platform.db import create_engine
from subgraphs.platform.errors import AppError
from subgraphs.platform.graphql_errors import code_errors
from subgraphs.platform.jwt_auth import JwtVerifier, bearer_token
from subgraphs.platform.logs import request_id_var
from subgraphs.platform.migrations import migrate
from subgraphs.platform.revocations import RedisRevocations
from subgraphs.platform.settings import Settings

logger = logging.getLogger("app")


@dataclass
class Resources:
    """What the lifespan opens; shared by every request of the process."""

    settings: Settings
    engine: AsyncEngine
    redis: Redis
    verifier: JwtVerifier
    # Shared by the verifier and any use case that revokes, so a process sees its own
    # revocations at once (see `revocations`).
    revocations: RedisRevocations
    activity: DeviceActivity
    services: dict[str, Any] = field(default_factory=dict)


Worker = Callable[[Resources, asyncio.Event], list[Coroutine[Any, Any, None]]]


@dataclass(frozen=True)
class SubgraphSpec:
    name: str
    schema: strawberry.federation.Schema
    db_schema: str
    migrations: Path
    workers: Worker | None = None
    # Long-lived helpers (caches, repositories) built once per process from the resources.
    services: Callable[[Resources], dict[str, Any]] | None = None
    # ASGI wrappers around the GraphQL endpoint (e.g. a response cache).
    wrap_graphql: Callable[[Any, Resources], Any] | None = None
    # Extra HTTP routes (e.g. the JWKS); handlers find the resources in `request.state`.
    routes: list[Route] = field(default_factory=list)
    # GraphQL multipart requests (file uploads), off unless the subgraph takes files.
    uploads: bool = False


class SubgraphGraphQL(GraphQL[Context, None]):
    # orjson: ~5x faster than the stdlib for the 20-30 KB listing responses.
    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:  # noqa: ARG002
        if result.errors:
            result.errors = code_errors(result.errors)
        return process_result(result)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        resources: Resources = request.state.resources
        ctx = Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            settings=resources.settings,
            engine=resources.engine,
            redis=resources.redis,
            request_id=request_id_var.get() or "",
            services=resources.services,
        )
        try:
            token = bearer_token(request.headers.get("authorization"))
            if token is not None:
                ctx.principal = await resources.verifier.verify(token)
                if ctx.principal.device_id:
                    await resources.activity.touch(ctx.principal.device_id)
        except AppError as exc:
            ctx.auth_error = exc
        return ctx


class _GraphQLEndpoint:
    """Dispatches to the endpoint the lifespan built (it may wrap the view in a cache)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["state"]["graphql"](scope, receive, send)


async def open_resources(settings: Settings) -> Resources:
    engine = create_engine(settings)
    redis = Redis.from_url(settings.redis_url, decode_responses=False)
    revocations = RedisRevocations(redis)
    verifier = JwtVerifier(settings, revocations)
    if verifier.configured:
        await verifier.load()
    return Resources(
        settings=settings,
        engine=engine,
        redis=redis,
        verifier=verifier,
        revocations=revocations,
        activity=DeviceActivity(redis),
    )


async def close_resources(resources: Resources) -> None:
    await resources.redis.aclose()
    await resources.engine.dispose()


def create_app(spec: SubgraphSpec, settings: Settings, *, migrate_on_start: bool = True) -> Starlette:
    graphql_app = SubgraphGraphQL(
        spec.schema,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
        multipart_uploads_enabled=spec.uploads,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        resources = await open_resources(settings)
        if migrate_on_start:
            await migrate(resources.engine, spec.migrations, spec.db_schema)
        if spec.services is not None:
            resources.services.update(spec.services(resources))
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(w, name=f"{spec.name}-worker")
            for w in (spec.workers(resources, stop) if spec.workers else [])
        ]
        graphql_endpoint = spec.wrap_graphql(graphql_app, resources) if spec.wrap_graphql else graphql_app
        try:
            yield {"resources": resources, "graphql": graphql_endpoint}
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await close_resources(resources)

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok", "service": spec.name})

    async def ready(request: Request) -> Response:
        resources: Resources = request.state.resources
        checks: dict[str, str] = {}
        try:
            async with resources.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["postgres"] = "ok"
        except Exception as exc:  # readiness reports, it does not crash
            checks["postgres"] = f"error: {type(exc).__name__}"
        try:
            await resources.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", **checks}, status_code=200 if ok else 503
        )

    return Starlette(
        routes=[
            Route("/graphql", _GraphQLEndpoint(), methods=["GET", "POST"]),
            Route("/health", health),
            Route("/ready", ready),
            *spec.routes,
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(
                BodyLimitMiddleware,
                max_bytes=settings.max_request_bytes,
                max_upload_bytes=settings.max_upload_bytes if spec.uploads else 0,
            ),
        ],
        lifespan=lifespan,
    )
