"""The GraphQL HTTP view every subgraph serves: orjson, coded errors, the typed context."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.types import ExecutionResult

from subgraphs.platform.auth.activity import DeviceActivity
from subgraphs.platform.auth.jwt import JwtVerifier, bearer_token
from subgraphs.platform.graphql.context import Context
from subgraphs.platform.graphql.errors import code_errors
from subgraphs.platform.kernel.errors import AppError
from subgraphs.platform.logs import request_id_var
from subgraphs.platform.settings import Settings


def unavailable_retry_after(response_data: object) -> int | None:
    """Retry-After seconds when no data came back and every error is SERVICE_UNAVAILABLE."""
    if not isinstance(response_data, dict) or response_data.get("data") is not None:
        return None
    errors = response_data.get("errors") or []
    codes = [((e.get("extensions") or {}).get("code"), (e.get("extensions") or {})) for e in errors]
    if not codes or any(code != "SERVICE_UNAVAILABLE" for code, _ in codes):
        return None
    return max(int(ext.get("retryAfterSeconds", 1)) for _, ext in codes)


class _TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws frames as text: clients (the router's graphql-ws) parse text frames
    only, and `encode_json` gives bytes for the HTTP answers."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class SubgraphGraphQL(GraphQL[Context[Any], None]):
    websocket_adapter_class = _TextFrames

    def __init__(
        self,
        schema: Any,
        *,
        settings: Settings,
        verifier: JwtVerifier,
        activity: DeviceActivity,
        services: Any,
        uploads: bool,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
            multipart_uploads_enabled=uploads,
        )
        self._settings = settings
        self._verifier = verifier
        self._activity = activity
        self._services = services

    # orjson: ~5x faster than the stdlib for the 20-30 KB listing responses.
    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            # orjson refuses lone surrogates (`"\ud800"`), which JSON allows: decode them with the
            # stdlib so the input guard refuses them with the argument's path, not a bare 400.
            return json.loads(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:  # noqa: ARG002
        if result.errors:
            result.errors = code_errors(result.errors)
        return process_result(result)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        retry_after = unavailable_retry_after(response_data)
        if retry_after is not None:
            # The whole request failed on an outage: a status clients and proxies can retry on.
            response.status_code = 503
            response.headers["retry-after"] = str(retry_after)
        return response

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context[Any]:
        ctx: Context[Any] = Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            settings=self._settings,
            services=self._services,
            request_id=request_id_var.get() or "",
        )
        try:
            token = bearer_token(request.headers.get("authorization"))
            if token is not None:
                ctx.principal = await self._verifier.verify(token)
                ctx.reverify = functools.partial(self._verifier.verify, token)
                if ctx.principal.device_id:
                    await self._activity.touch(ctx.principal.device_id)
        except AppError as exc:
            ctx.auth_error = exc
        return ctx
